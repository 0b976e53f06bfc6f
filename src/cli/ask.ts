import { Command, Option } from 'commander';
import type { AskOptions } from './ask-run.js';

export function askCommand(): Command {
  return new Command('ask')
    .description(
      'Ask ad-platform exports a question in plain language, offline: prints how the question was read (the structured query), ' +
        'the answer with its figures from the engine, and a table; or the readings to choose from when it reads more than one way.',
    )
    .argument('<files-and-question...>', 'one or more CSV or XLSX exports, then the question in quotes, e.g. "Top 5 campaigns by ROAS last week"')
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'))
    .option('--platform <name>', 'the platform of a generic file that does not say')
    .option('--sheet <name>', 'the sheet of an XLSX workbook (default: the first with data)')
    .action(async (args: string[], options: AskOptions) => (await import('./ask-run.js')).runAsk(args, options));
}
