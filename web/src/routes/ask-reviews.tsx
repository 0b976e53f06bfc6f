import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { api, unwrap } from '../api/client';
import { messageOf } from '../api/problem';
import { Badge, Card, EmptyState, ErrorNote, PageHeader, Skeleton } from '../components/ui/card';
import { cn } from '../lib/cn';
import { formatDateTime } from '../lib/format';

/** Answers people rated, for review: wrong ones first, with how each question was read and what it answered. */
export function AskReviewsPage() {
  const [rating, setRating] = useState<'wrong' | 'useful'>('wrong');
  const reviews = useQuery({
    queryKey: ['ask-reviews', rating],
    queryFn: () => unwrap(api.GET('/api/v1/ask/reviews', { params: { query: { limit: 100, rating } } })),
  });
  return (
    <>
      <PageHeader
        title="Answer reviews"
        description="Questions asked of the data whose answers people rated. A wrong one with a rewording is read as reworded the next time anyone here asks it."
      />
      <div role="group" aria-label="Rating" className="mb-4 inline-flex rounded-md border border-slate-300 bg-white">
        {(['wrong', 'useful'] as const).map((value) => (
          <button
            key={value}
            type="button"
            aria-pressed={rating === value}
            onClick={() => setRating(value)}
            className={cn(
              'px-3 py-1 text-sm first:rounded-l-md last:rounded-r-md',
              rating === value ? 'bg-slate-800 text-white' : 'text-slate-700 hover:bg-slate-50',
            )}
          >
            Rated {value}
          </button>
        ))}
      </div>
      {reviews.isPending ? (
        <Skeleton className="h-32 w-full" />
      ) : reviews.error ? (
        <ErrorNote>{messageOf(reviews.error)}</ErrorNote>
      ) : reviews.data.items.length === 0 ? (
        <EmptyState title={`No answer rated ${rating}`}>
          When someone rates an answer to their question, it appears here.
        </EmptyState>
      ) : (
        <Card>
          <ul className="divide-y divide-slate-100" data-testid="ask-reviews">
            {reviews.data.items.map((item) => (
              <li key={item.id} className="space-y-1 px-5 py-4">
                <div className="flex flex-wrap items-center gap-2">
                  <Badge tone={item.rating === 'wrong' ? 'red' : 'green'}>{item.rating}</Badge>
                  <span className="font-medium text-slate-900">“{item.question}”</span>
                  <span className="text-xs text-slate-500">{formatDateTime(item.createdAt)}</span>
                </div>
                {item.interpretation && (
                  <p className="text-sm text-slate-700">
                    <span className="font-medium">Read as:</span> {item.interpretation}
                  </p>
                )}
                {item.answer && (
                  <p className="text-sm text-slate-700">
                    <span className="font-medium">Answered:</span> {item.answer.sentence}
                  </p>
                )}
                {item.comment && (
                  <p className="text-sm text-slate-800">
                    <span className="font-medium">Comment:</span> {item.comment}
                  </p>
                )}
                {item.correction && (
                  <p className="text-sm text-slate-800">
                    <span className="font-medium">Meant:</span> “{item.correction}”
                  </p>
                )}
              </li>
            ))}
          </ul>
        </Card>
      )}
    </>
  );
}
