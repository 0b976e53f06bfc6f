import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { lazy, Suspense, useMemo, useState, type FormEvent } from 'react';
import { labelOf } from '../../../src/analysis/labels';
import { api, unwrap } from '../api/client';
import { messageOf } from '../api/problem';
import type { paths } from '../api/schema';
import { cellText, formatFigure, formatPercent } from '../lib/format';
import { cn } from '../lib/cn';
import { Button } from './ui/button';
import { Card, CardHeader, Skeleton } from './ui/card';
import { TextField } from './ui/field';

const Chart = lazy(() => import('./chart'));

// The generated client types the answer's open objects loosely; this is the shape the server documents.
type AskResponse = {
  id: string;
  question: string;
  interpretation: string | null;
  notes: string[];
  correctedTo?: string;
  reportedWrong?: { count: number; comments: string[] };
  clarification?: { question: string; options: { label: string; question: string }[] };
  answer?: AnswerBody;
};
type Field = NonNullable<
  paths['/api/v1/ask']['post']['responses'][200]['content']['application/json']['answer']
>['fields'][number];
interface AnswerBody {
  sentence: string;
  columns: string[];
  fields: Field[];
  rows: Record<string, unknown>[];
  chart: { type?: string; x?: string; series?: { field: string; label: string }[] } | null;
  evidence?: { kind: string; id: string; title: string; sentence: string }[];
}

/** A cell as the dashboard's tables write it, money in its row's currency; a schema key by its label. */
function cell(field: Field, row: Record<string, unknown>): string {
  const value = row[field.key];
  if (typeof value !== 'number')
    return field.format === 'field' && typeof value === 'string' ? labelOf(value) : cellText(value, '–');
  if (field.format === 'share') return formatPercent(value * 100, 0);
  if (field.format === 'text' || field.format === 'field') return cellText(value);
  return formatFigure(value, field.format, typeof row.currency === 'string' ? row.currency : null);
}

function AnswerChart({ answer }: { answer: AnswerBody }) {
  const chart = answer.chart;
  const axis = answer.fields.find((field) => field.key === chart?.x)?.label ?? chart?.x ?? '';
  const option = useMemo(() => {
    if (!chart?.x || !chart.series) return null;
    const x = chart.x;
    return {
      animation: false,
      grid: { left: 72, right: 16, top: 16, bottom: 48 },
      tooltip: { trigger: 'axis' },
      xAxis: {
        type: 'category',
        data: answer.rows.map((row) => cellText(row[x], '–')),
        axisLabel: { color: '#475569', interval: 0, rotate: answer.rows.length > 6 ? 30 : 0 },
      },
      yAxis: { type: 'value', axisLabel: { color: '#475569' }, splitLine: { lineStyle: { color: '#e2e8f0' } } },
      series: chart.series.map((series) => ({
        type: chart.type === 'line' ? 'line' : 'bar',
        name: series.label,
        data: answer.rows.map((row) => (typeof row[series.field] === 'number' ? row[series.field] : null)),
        itemStyle: { color: '#2c58b8' },
      })),
    };
  }, [answer, chart]);
  if (!option || answer.rows.length < 2) return null;
  return (
    <Suspense fallback={<Skeleton className="h-[220px] w-full" />}>
      <Chart
        option={option}
        label={`Chart: ${chart?.series?.map((series) => series.label).join(', ') ?? ''} by ${axis.toLowerCase()}`}
        height={220}
      />
    </Suspense>
  );
}

function RateAnswer({ id }: { id: string }) {
  const queryClient = useQueryClient();
  const [wrong, setWrong] = useState(false);
  const [comment, setComment] = useState('');
  const [correction, setCorrection] = useState('');
  const rate = useMutation({
    mutationFn: (body: { rating: 'useful' | 'wrong'; comment?: string; correction?: string }) =>
      unwrap(api.PUT('/api/v1/ask/{id}/rating', { params: { path: { id } }, body })),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: ['ask-history'] }),
  });
  if (rate.isSuccess)
    return (
      <p role="status" className="text-sm text-emerald-700">
        Thanks: rated {rate.data.rating}.
        {rate.data.rating === 'wrong' && correction
          ? ' Your rewording will be read the next time anyone here asks this.'
          : ''}
      </p>
    );
  const submitWrong = (event: FormEvent) => {
    event.preventDefault();
    rate.mutate({
      rating: 'wrong',
      ...(comment.trim() ? { comment: comment.trim() } : {}),
      ...(correction.trim() ? { correction: correction.trim() } : {}),
    });
  };
  return (
    <div className="space-y-2">
      <div className="flex items-center gap-2 text-sm text-slate-700">
        Was this answer right?
        <Button
          size="sm"
          variant="secondary"
          disabled={rate.isPending}
          onClick={() => rate.mutate({ rating: 'useful' })}
        >
          Useful
        </Button>
        <Button size="sm" variant="ghost" aria-expanded={wrong} onClick={() => setWrong(true)}>
          Wrong
        </Button>
      </div>
      {wrong && (
        <form
          onSubmit={submitWrong}
          className="grid gap-2 rounded-md bg-slate-50 p-3 md:grid-cols-[1fr_1fr_auto] md:items-end"
          aria-label="Report a wrong answer"
        >
          <TextField
            label="What was wrong (optional)"
            value={comment}
            maxLength={2000}
            onChange={(event) => setComment(event.target.value)}
          />
          <TextField
            label="The question as you meant it (optional)"
            value={correction}
            maxLength={500}
            placeholder="e.g. Top 5 ad sets by CPA in November"
            onChange={(event) => setCorrection(event.target.value)}
          />
          <Button type="submit" variant="primary" disabled={rate.isPending}>
            Send
          </Button>
        </form>
      )}
      {rate.error && (
        <p role="alert" className="text-sm text-red-700">
          {messageOf(rate.error)}
        </p>
      )}
    </div>
  );
}

function AnswerView({
  response,
  onAsk,
  canRate,
}: {
  response: AskResponse;
  onAsk: (question: string) => void;
  canRate: boolean;
}) {
  const answer = response.answer;
  // Data that states no currency would show a column of dashes.
  const fields = answer?.fields.filter(
    (field) => field.key !== 'currency' || answer.rows.some((row) => typeof row.currency === 'string'),
  );
  const numeric = new Set(
    answer?.fields.filter((field) => field.format !== 'text' && field.format !== 'field').map((field) => field.key),
  );
  if (response.clarification) {
    return (
      <div className="space-y-2" data-testid="ask-clarification">
        <p className="text-sm text-slate-800">{response.clarification.question}</p>
        <ul className="flex flex-wrap gap-2">
          {response.clarification.options.map((option) => (
            <li key={option.question}>
              <Button size="sm" variant="secondary" onClick={() => onAsk(option.question)} title={option.question}>
                {option.label}
              </Button>
            </li>
          ))}
        </ul>
      </div>
    );
  }
  if (!answer) return null;
  return (
    <div className="space-y-3" data-testid="ask-answer">
      <p className="text-base font-medium leading-relaxed text-slate-900">{answer.sentence}</p>
      <p className="text-sm text-slate-600">
        <span className="font-medium text-slate-700">Read as:</span> {response.interpretation}
      </p>
      {response.reportedWrong && (
        <p className="rounded-md border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-900" role="note">
          Others here rated this reading wrong ({response.reportedWrong.count})
          {response.reportedWrong.comments.length > 0 ? `: “${response.reportedWrong.comments.join('”, “')}”` : ''}.
        </p>
      )}
      {response.notes.length > 0 && (
        <ul className="list-disc space-y-0.5 pl-5 text-xs text-slate-600">
          {response.notes.map((note) => (
            <li key={note}>{note}</li>
          ))}
        </ul>
      )}
      {answer.evidence && answer.evidence.length > 0 && (
        <div>
          <h3 className="text-xs font-semibold uppercase tracking-wide text-slate-500">What the analysis found then</h3>
          <ul className="mt-1 list-disc space-y-1 pl-5 text-sm">
            {answer.evidence.map((item) => (
              <li key={item.id}>{item.sentence}</li>
            ))}
          </ul>
        </div>
      )}
      <AnswerChart answer={answer} />
      {answer.rows.length > 0 && (
        <div className="max-h-80 overflow-auto rounded-md border border-slate-200">
          <table className="w-full text-sm" data-testid="ask-table">
            <thead className="sticky top-0 bg-slate-50 text-xs uppercase tracking-wide text-slate-600">
              <tr>
                {fields?.map((field) => (
                  <th
                    key={field.key}
                    scope="col"
                    className={cn(
                      'px-3 py-2 font-medium whitespace-nowrap',
                      numeric.has(field.key) ? 'text-right' : 'text-left',
                    )}
                  >
                    {field.label}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {answer.rows.map((row, rowIndex) => (
                <tr key={rowIndex}>
                  {fields?.map((field, index) => (
                    <td
                      key={field.key}
                      className={cn(
                        'px-3 py-1.5 whitespace-nowrap',
                        numeric.has(field.key) ? 'text-right tabular-nums' : index === 0 ? 'font-medium' : '',
                      )}
                    >
                      {cell(field, row)}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {canRate && <RateAnswer key={response.id} id={response.id} />}
    </div>
  );
}

/** The dashboard's ask box: a question about this analysis, its answer, how it was read, and a rating. */
export function AskBox({ analysisId, canRate }: { analysisId: string; canRate: boolean }) {
  const queryClient = useQueryClient();
  const [question, setQuestion] = useState('');
  const history = useQuery({
    queryKey: ['ask-history'],
    queryFn: () => unwrap(api.GET('/api/v1/ask/history', { params: { query: { limit: 5 } } })),
  });
  const ask = useMutation({
    mutationFn: (text: string) =>
      unwrap(api.POST('/api/v1/ask', { body: { question: text, analysisId } })) as Promise<AskResponse>,
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: ['ask-history'] }),
  });
  const submit = (text: string) => {
    const trimmed = text.trim();
    if (!trimmed) return;
    setQuestion(trimmed);
    ask.mutate(trimmed);
  };
  const recent = (history.data?.items ?? []).filter((item) => item.question !== ask.data?.question).slice(0, 4);
  return (
    <Card data-testid="ask-box">
      <CardHeader
        title="Ask the data"
        description="A question in plain words: a figure, a ranking, a comparison or why something changed."
      />
      <div className="space-y-4 p-5">
        <form
          className="flex items-end gap-2"
          onSubmit={(event) => {
            event.preventDefault();
            submit(question);
          }}
        >
          <TextField
            className="flex-1"
            label="Your question"
            value={question}
            maxLength={500}
            placeholder="e.g. Top 5 campaigns by ROAS last week"
            onChange={(event) => setQuestion(event.target.value)}
          />
          <Button type="submit" variant="primary" disabled={ask.isPending || question.trim() === ''}>
            {ask.isPending ? 'Asking…' : 'Ask'}
          </Button>
        </form>
        {recent.length > 0 && (
          <div className="flex flex-wrap items-center gap-2 text-xs text-slate-600">
            <span>Your recent questions:</span>
            {recent.map((item) => (
              <button
                key={item.id}
                type="button"
                className="rounded-full border border-slate-300 px-2 py-0.5 text-slate-700 hover:bg-slate-50"
                onClick={() => submit(item.question)}
              >
                {item.question}
              </button>
            ))}
          </div>
        )}
        {ask.error && (
          <p role="alert" className="text-sm text-red-700">
            {messageOf(ask.error)}
          </p>
        )}
        {ask.data && (
          <div aria-live="polite">
            <AnswerView response={ask.data} onAsk={submit} canRate={canRate} />
          </div>
        )}
      </div>
    </Card>
  );
}
