import { ratedAnswers, type AskRating, type AskRecord } from '../ask/index.js';
import { getOrganization, getOrganizationBySlug } from '../tenancy/index.js';
import { withLocalContext } from './context.js';

export interface ReviewOptions {
  org: string;
  rating: AskRating;
  limit: string;
  cursor?: string;
  json?: boolean;
}

function limitOf(text: string): number {
  const limit = Number(text);
  if (!Number.isInteger(limit) || limit < 1 || limit > 200)
    throw new Error(`--limit must be a whole number from 1 to 200, not "${text}"`);
  return limit;
}

function block(record: AskRecord): string {
  const lines = [
    `${record.createdAt}  ${record.id}  rated ${record.rating ?? 'not'}${record.ratedAt ? ` at ${record.ratedAt}` : ''}  by user ${record.userId}`,
    `  question:       ${record.question}`,
    `  read as:        ${record.interpretation ?? '(not read)'}`,
    `  answer:         ${record.answer?.sentence ?? '(none)'}`,
    ...(record.comment ? [`  comment:        ${record.comment}`] : []),
    ...(record.correction ? [`  reworded as:    ${record.correction}`] : []),
  ];
  return `${lines.join('\n')}\n`;
}

/** The organisation's rated answers, as GET /api/v1/ask/reviews lists them, read from the local store. */
export const listAskReviews = (options: ReviewOptions) =>
  withLocalContext(async (ctx) => {
    const limit = limitOf(options.limit);
    const org =
      (await getOrganizationBySlug(ctx.store.db, options.org)) ?? (await getOrganization(ctx.store.db, options.org));
    if (!org) throw new Error(`no organisation "${options.org}"`);
    const page = await ratedAnswers(ctx.store.db, org.id, options.rating, {
      limit,
      ...(options.cursor ? { cursor: options.cursor } : {}),
    });
    if (options.json) {
      process.stdout.write(`${JSON.stringify({ items: page.items, nextCursor: page.nextCursor }, null, 2)}\n`);
      return;
    }
    if (page.items.length === 0) {
      process.stdout.write(`no answers rated ${options.rating} in ${org.slug}\n`);
      return;
    }
    process.stdout.write(page.items.map(block).join('\n'));
    if (page.nextCursor) process.stdout.write(`\nmore: --cursor ${page.nextCursor}\n`);
  });
