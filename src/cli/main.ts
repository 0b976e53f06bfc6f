#!/usr/bin/env node
import { CommanderError } from 'commander';
import { failMessage } from './fail-message.js';
import { buildProgram } from './program.js';

/** Any failure ends as one line on stderr and a non-zero exit code. */
function fail(error: unknown): never {
  process.stderr.write(`pca: ${failMessage(error)}\n`);
  process.exit(1);
}

// A reader that stops early (`pca analyze … | head`) closes the pipe; that ends the command quietly, as it does for any Unix tool.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  fail(error);
});

try {
  await buildProgram().exitOverride().parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) process.exit(error.exitCode);
  fail(error);
}
