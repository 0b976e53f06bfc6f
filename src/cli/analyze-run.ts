import { constants } from 'node:fs';
import { access, mkdtemp, rename, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { analyzeFiles, openDuckEngine, renderReport } from '../analysis/offline.js';
import { BREAKDOWN_DIMENSIONS, rateProblem, type CurrencyConversion, type Dimension } from '../analysis/pure.js';
import { loadConfig } from '../config.js';
import { AppError } from '../errors.js';

export interface AnalyzeOptions {
  format: 'text' | 'json' | 'md' | 'xlsx' | 'pdf' | 'pptx';
  out?: string;
  groupBy?: string;
  from?: string;
  to?: string;
  platform?: string;
  sheet?: string;
  rate?: string[];
  toCurrency?: string;
}

function parseGroupBy(text: string): (Dimension | [Dimension, Dimension])[] {
  return text
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean)
    .map((part) => {
      const names = part.split(/[:×x*]/).map((name) => name.trim());
      for (const name of names) {
        if (!(BREAKDOWN_DIMENSIONS as readonly string[]).includes(name)) {
          throw new Error(`--group-by: "${name}" is not a dimension (one of ${BREAKDOWN_DIMENSIONS.join(', ')})`);
        }
      }
      if (names.length > 2) throw new Error(`--group-by: "${part}" pairs at most two dimensions`);
      return names.length === 1 ? (names[0] as Dimension) : ([names[0], names[1]] as [Dimension, Dimension]);
    });
}

function parseConversion(rates: readonly string[] | undefined, to: string | undefined): CurrencyConversion | undefined {
  if (!to && (!rates || rates.length === 0)) return undefined;
  if (!to) throw new Error('--rate needs --to-currency');
  if (!/^[A-Za-z]{3}$/.test(to))
    throw new Error(`--to-currency: expected a three-letter code such as EUR, got "${to}"`);
  const parsed: Record<string, number> = {};
  for (const entry of rates ?? []) {
    const match = /^([A-Za-z]{3})=(\d+(?:\.\d+)?)$/.exec(entry.trim());
    if (!match) throw new Error(`--rate: expected CODE=NUMBER such as EUR=1.08, got "${entry}"`);
    const problem = rateProblem(Number(match[2]));
    if (problem) throw new Error(`--rate ${entry}: the rate ${problem}`);
    parsed[match[1]!.toUpperCase()] = Number(match[2]);
  }
  return { to: to.toUpperCase(), rates: parsed };
}

async function writeAtomically(target: string, content: string | Buffer): Promise<void> {
  const temp = `${target}.${process.pid}.tmp`;
  try {
    await writeFile(temp, content);
  } catch (error) {
    // The user named the target, not the temporary file beside it: a failure names what they wrote.
    if (error instanceof Error && 'path' in error) error.path = target;
    throw error;
  }
  await rename(temp, target);
}

/** Each input readable and a file, checked before any work; a failure names the path as the user wrote it. */
async function assertReadableFiles(files: readonly string[]): Promise<void> {
  for (const file of files) {
    await access(file, constants.R_OK);
    const found = await stat(file);
    if (found.isDirectory()) throw new Error(`is a directory: ${file}`);
    if (!found.isFile()) throw new Error(`not a regular file: ${file}`);
  }
}

export async function runAnalyze(files: string[], options: AnalyzeOptions): Promise<void> {
  if ((options.format === 'xlsx' || options.format === 'pdf' || options.format === 'pptx') && !options.out)
    throw new Error(`--format ${options.format} needs --out FILE.${options.format}`);
  await assertReadableFiles(files);
  const config = loadConfig();
  const work = await mkdtemp(path.join(tmpdir(), 'pca-analyze-'));
  const inputs = files.map((file) => path.resolve(file));
  const duck = await openDuckEngine(config.duckdb, path.join(work, 'duckdb'), {
    preserveInsertionOrder: false,
    allowedDirectories: [work],
    allowedPaths: inputs,
  });
  try {
    const conversion = parseConversion(options.rate, options.toCurrency);
    const request = {
      files: inputs,
      tmpDir: work,
      ...(options.platform ? { platform: options.platform } : {}),
      ...(options.sheet ? { sheet: options.sheet } : {}),
      ...(options.groupBy ? { breakdowns: parseGroupBy(options.groupBy) } : {}),
      dateRange: { ...(options.from ? { from: options.from } : {}), ...(options.to ? { to: options.to } : {}) },
      ...(conversion ? { conversion } : {}),
    };
    const now = new Date();
    const report = await analyzeFiles(duck, request, now);
    if (options.format === 'pdf' || options.format === 'pptx') {
      const { offlineContent } = await import('../commands/analyze-offline.js');
      const { renderDeck } = await import('../reports/offline.js');
      await writeAtomically(
        options.out!,
        await renderDeck(await offlineContent(duck, request, report, now), options.format),
      );
      return;
    }
    const output =
      options.format === 'json'
        ? `${JSON.stringify(report, null, 2)}\n`
        : options.format === 'xlsx'
          ? await (await import('../reports/offline.js')).reportWorkbook(report)
          : renderReport(report, options.format === 'md' ? 'md' : 'text');
    if (options.out) await writeAtomically(options.out, output);
    else process.stdout.write(output);
  } catch (error) {
    // A problem with a file reads as one line naming it.
    if (error instanceof AppError) throw new Error(error.message);
    throw error;
  } finally {
    duck.close();
    await rm(work, { recursive: true, force: true });
  }
}
