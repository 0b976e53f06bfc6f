import { Command, Option } from 'commander';
import { SETTINGS } from '../config.js';
import { PRODUCT_VERSION } from '../version.js';
import { adminCommand, retentionCommand } from './admin.js';
import { auditCommand } from './audit.js';
import { analyzeCommand } from './analyze.js';
import { askCommand, askReviewsCommand } from './ask.js';
import { statusCommand } from './status.js';

/** Names and descriptions in two columns, the first as wide as the longest name and two spaces more. */
const NAME_WIDTH = Math.max(...Object.keys(SETTINGS).map((name) => name.length)) + 2;

const ENVIRONMENT_HELP = `
Settings come from the environment:
${Object.entries(SETTINGS)
  .map(([name, description]) => `  ${name.padEnd(NAME_WIDTH)}${description}`)
  .join('\n')}`;

/**
 * The `pca` command. Each subcommand explains itself with --help; its
 * implementation is imported only when it runs, so `pca analyze` never loads
 * the server and `pca version` loads almost nothing.
 */
export function buildProgram(): Command {
  const program = new Command('pca')
    .description('PCA Agent: post-campaign analysis for marketing teams and agencies.')
    .version(PRODUCT_VERSION, '-V, --version', 'print the version')
    .showHelpAfterError()
    .addHelpText('after', ENVIRONMENT_HELP);

  program
    .command('serve')
    .description(
      'Start the HTTP API. Applies pending state-store migrations first, then listens on PCA_HOST:PCA_PORT ' +
        'until SIGTERM or SIGINT, when it stops accepting, finishes in-flight requests and exits 0.',
    )
    .addOption(new Option('--host <host>', 'listen address (overrides PCA_HOST)'))
    .addOption(new Option('--port <port>', 'listen port, 0 for any free one (overrides PCA_PORT)'))
    .addHelpText('after', ENVIRONMENT_HELP)
    .action(async (options: { host?: string; port?: string }) => (await import('./serve.js')).runServe(options));

  program
    .command('migrate')
    .description(
      'Apply pending state-store migrations (SQLite in PCA_DATA_DIR, or PCA_DATABASE_URL) and exit. ' +
        'Idempotent: running it again applies nothing. `serve` does this by itself at start.',
    )
    .addHelpText('after', ENVIRONMENT_HELP)
    .action(async () => (await import('./migrate.js')).runMigrate());

  program.addCommand(analyzeCommand());
  program.addCommand(askCommand());
  program.addCommand(askReviewsCommand());
  program.addCommand(adminCommand());
  program.addCommand(retentionCommand());
  program.addCommand(auditCommand());
  program.addCommand(statusCommand());

  program
    .command('version')
    .description('Print the PCA Agent version, and the Node.js version with --verbose.')
    .option('--verbose', 'also print runtime versions')
    .action((options: { verbose?: boolean }) => {
      process.stdout.write(`pca-agent ${PRODUCT_VERSION}\n`);
      if (options.verbose) process.stdout.write(`node ${process.version} (${process.platform}-${process.arch})\n`);
    });

  return program;
}
