import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  type Answer,
  type AnswerField,
  parseQuestion,
  type ParseOutcome,
  answerQuery,
  readVocabulary,
} from '../ask/index.js';
import { formatByKind, ingest, labelOf, openDuckEngine, profile, runQuery } from '../analysis/index.js';
import { loadConfig } from '../config.js';
import { AppError } from '../errors.js';

export interface AskOptions {
  format: 'text' | 'json';
  platform?: string;
  sheet?: string;
}

/** A cell as the sentence writes its figure; money without its code, which the currency column gives. */
function cell(field: AnswerField, value: string | number | null | undefined): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return field.format === 'field' ? labelOf(value) : value;
  return formatByKind(field.format === 'text' || field.format === 'field' ? 'ratio' : field.format, value, null);
}

/** A plain text table under the columns' labels, columns padded to their widest cell. */
function table(answer: Answer): string {
  const rows = answer.rows.slice(0, 50).map((row) => answer.fields.map((field) => cell(field, row[field.key])));
  const labels = answer.fields.map((field) => field.label);
  const widths = labels.map((label, index) => Math.max(label.length, ...rows.map((row) => row[index]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((text, index) => text.padEnd(widths[index]!))
      .join('  ')
      .trimEnd();
  const more = answer.rows.length > 50 ? `\n… ${answer.rows.length - 50} more rows` : '';
  return [line(labels), line(widths.map((width) => '-'.repeat(width))), ...rows.map(line)].join('\n') + more;
}

function render(outcome: ParseOutcome, answer: Answer | undefined): string {
  if (outcome.kind === 'unreadable')
    return `I can't answer that: ${outcome.reason}\nTry, for example: "Spend by platform last week", "Top 5 campaigns by ROAS this month".\n`;
  if (outcome.kind === 'clarify')
    return `${outcome.question}\n${outcome.options.map((option) => `  - ${option.label}: pca ask … "${option.question}"`).join('\n')}\n`;
  const notes = outcome.notes.map((note) => `  (${note})`).join('\n');
  return `Read as: ${outcome.interpretation}\n${notes ? `${notes}\n` : ''}\n${answer!.sentence}\n\n${table(answer!)}\n`;
}

/** `pca ask FILES… "question"`: the files read as one view, the question read against it, answered by the engine. */
export async function runAsk(args: string[], options: AskOptions): Promise<void> {
  if (args.length < 2)
    throw new Error(
      'pca ask needs at least one file and then the question, e.g. pca ask export.csv "spend by platform"',
    );
  const question = args.at(-1)!;
  const files = args.slice(0, -1).map((file) => path.resolve(file));
  const config = loadConfig();
  const work = await mkdtemp(path.join(tmpdir(), 'pca-ask-'));
  const duck = await openDuckEngine(config.duckdb, path.join(work, 'duckdb'), {
    preserveInsertionOrder: false,
    allowedDirectories: [work],
    allowedPaths: files,
  });
  try {
    const output = await duck.withConnection(async (connection) => {
      const relations: string[] = [];
      for (const [index, file] of files.entries()) {
        const loaded = await ingest(
          connection,
          { kind: 'table', name: `ask_file_${index}` },
          {
            file,
            originalName: path.basename(file),
            tmpDir: work,
            ...(options.platform ? { platform: options.platform } : {}),
            ...(options.sheet ? { sheet: options.sheet } : {}),
          },
        );
        relations.push(`SELECT * FROM ${loaded.relation}`);
      }
      const source = `(${relations.join(' UNION ALL ')})`;
      const vocabulary = await readVocabulary(connection, source);
      const outcome = parseQuestion(question, vocabulary);
      if (outcome.kind !== 'query') return { outcome, answer: undefined };
      const { currencies } = await profile(connection, source);
      const answer = await answerQuery(
        outcome.query,
        outcome.intent,
        outcome.query,
        (spec) => runQuery(connection, source, spec, currencies),
        vocabulary,
      );
      return { outcome, answer };
    });
    process.stdout.write(
      options.format === 'json'
        ? `${JSON.stringify({ question, ...output }, null, 2)}\n`
        : render(output.outcome, output.answer),
    );
  } catch (error) {
    if (error instanceof AppError) throw new Error(error.message);
    throw error;
  } finally {
    duck.close();
    await rm(work, { recursive: true, force: true });
  }
}
