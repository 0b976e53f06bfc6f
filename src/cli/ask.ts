import { Command, Option } from 'commander';
import type { AskOptions } from './ask-run.js';
import type { ReviewOptions } from './ask-reviews.js';

export function askCommand(): Command {
  return new Command('ask')
    .description(
      'Ask ad-platform exports a question in plain language, offline: prints how the question was read (the structured query), ' +
        'the answer with its figures from the engine, and a table; or the readings to choose from when it reads more than one way.',
    )
    .argument(
      '<files-and-question...>',
      'one or more CSV or XLSX exports, then the question in quotes, e.g. "Top 5 campaigns by ROAS last week"',
    )
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'))
    .option('--platform <name>', 'the platform of a generic file that does not say')
    .option('--sheet <name>', 'the sheet of an XLSX workbook (default: the first with data)')
    .action(async (args: string[], options: AskOptions) => (await import('./ask-run.js')).runAsk(args, options));
}

export function askReviewsCommand(): Command {
  return new Command('ask-reviews')
    .description(
      "List an organisation's answers rated wrong (or useful) for review, newest first, from the local store (PCA_DATA_DIR or PCA_DATABASE_URL): " +
        'the question, how it was read, the answer, the comment and any rewording; what GET /api/v1/ask/reviews and the review page show.',
    )
    .addOption(new Option('--org <slug>', 'organisation slug or id').default('default'))
    .addOption(new Option('--rating <rating>', 'which rated answers').choices(['wrong', 'useful']).default('wrong'))
    .option('--limit <n>', 'at most this many (1 to 200)', '50')
    .option('--cursor <cursor>', 'the page after this one, as printed by the previous page')
    .option('--json', 'print JSON')
    .action(async (options: ReviewOptions) => (await import('./ask-reviews.js')).listAskReviews(options));
}
