import { Command, Option } from 'commander';
import type { AnalyzeOptions } from './analyze-run.js';

export function analyzeCommand(): Command {
  return new Command('analyze')
    .description(
      'Analyse ad-platform exports offline (no server, no account): detects the platform, maps the columns onto the unified ' +
        'schema, reports data quality, totals and KPIs (per currency), breakdowns and time series. Several files are analysed together. ' +
        '--format pdf|pptx writes a deck with charts, the executive summary, insights, recommendations and anomalies, computed as the server does.',
    )
    .argument(
      '<files...>',
      'CSV or XLSX exports (Meta, Google Ads, Microsoft Ads, LinkedIn, TikTok, Snapchat, DV360, CM360, Pinterest, or any sheet)',
    )
    .addOption(
      new Option('--format <format>', 'output format')
        .choices(['text', 'json', 'md', 'xlsx', 'pdf', 'pptx'])
        .default('text'),
    )
    .option('--out <path>', 'write the report to a file instead of standard output')
    .option(
      '--group-by <dimensions>',
      'breakdowns, e.g. platform,campaign or platform:device for a pair (default: every dimension present)',
    )
    .option('--from <date>', 'first day to include (YYYY-MM-DD)')
    .option('--to <date>', 'last day to include (YYYY-MM-DD)')
    .option('--platform <name>', 'the platform of a generic file that does not say')
    .option('--sheet <name>', 'the sheet of an XLSX workbook (default: the first with data)')
    .option('--rate <CODE=RATE...>', 'exchange rates into --to-currency, e.g. --rate EUR=1.08 GBP=1.27')
    .option('--to-currency <code>', 'convert money into this currency (otherwise totals are per currency)')
    .action(async (files: string[], options: AnalyzeOptions) =>
      (await import('./analyze-run.js')).runAnalyze(files, options),
    );
}
