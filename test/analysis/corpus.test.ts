import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS } from '../helpers/backends.js';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { runCli } from '../helpers/cli.js';
import { bearer, type Session } from '../helpers/identity.js';
import { seedOrg } from '../helpers/seed.js';
import { multipart } from '../helpers/multipart.js';
import { FIXTURES } from './helpers.js';

/** What the generator wrote down from the rows of each file (test/fixtures/exports/corpus/generate.mjs). */
interface Expected {
  platform: string;
  platforms?: string[];
  rows: number;
  dateRange: { from: string | null; to: string | null };
  currency: string | null;
  totals: Record<string, number>;
  kpis: Record<string, number>;
}

interface DatasetBody {
  platform: string;
  platforms: string[];
  rows: number;
  dateRange: object;
  currencies: (string | null)[];
  quality: { rowsWithoutDate: number; unparseableValues: number };
}

interface ReportBody {
  datasets: DatasetBody[];
  totals: Record<string, unknown>[];
  breakdowns: Record<string, Record<string, unknown>[]>;
}

const CORPUS = path.join(FIXTURES, 'corpus');
const EXPECTED = JSON.parse(readFileSync(path.join(CORPUS, 'expected.json'), 'utf8')) as Record<string, Expected>;
const FILES = Object.keys(EXPECTED);

/**
 * Runs of files analysed together: no two files of a run share a platform, so
 * each file's totals are its row of the platform breakdown (generic sheets,
 * with several platforms each, run alone and are checked on the totals).
 */
function runs(): string[][] {
  const alone = FILES.filter((name) => EXPECTED[name]!.platforms && EXPECTED[name]!.platforms.length > 1).map(
    (name) => [name],
  );
  const grouped: string[][] = [];
  for (const name of FILES.filter((candidate) => !alone.some(([single]) => single === candidate))) {
    const platform = EXPECTED[name]!.platform;
    const run = grouped.find((candidate) => !candidate.some((other) => EXPECTED[other]!.platform === platform));
    if (run) run.push(name);
    else grouped.push([name]);
  }
  return [...grouped, ...alone];
}

/** The same checks whichever surface produced the report: the file's dataset summary and its totals. */
function check(name: string, dataset: DatasetBody, report: ReportBody): void {
  const expected = EXPECTED[name]!;
  expect(dataset.platform, 'platform').toBe(expected.platform);
  if (expected.platforms) expect(dataset.platforms, 'platforms').toEqual(expected.platforms);
  expect(dataset.rows, 'rows').toBe(expected.rows);
  expect(dataset.dateRange, 'date range').toEqual(expected.dateRange);
  expect(dataset.currencies, 'currencies').toEqual([expected.currency]);
  expect(dataset.quality.unparseableValues, 'unparseable values').toBe(0);
  if (expected.dateRange.from !== null) expect(dataset.quality.rowsWithoutDate, 'rows without date').toBe(0);
  const alone = report.datasets.length === 1 && report.totals.length === 1;
  const totals = alone
    ? report.totals[0]
    : report.breakdowns.platform?.find((row) => row.platform === expected.platform);
  expect(totals, 'totals of the file').toBeDefined();
  expect(totals!.currency, 'totals currency').toBe(expected.currency);
  for (const [measure, value] of Object.entries(expected.totals))
    expect(totals![measure], measure).toBeCloseTo(value, 2);
  for (const [kpi, value] of Object.entries(expected.kpis)) expect(totals![kpi] as number, kpi).toBeCloseTo(value, 4);
}

/** Runs `work` over items with at most `size` at a time. */
async function pool<T, R>(items: readonly T[], size: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: size }, async () => {
      while (next < items.length) {
        const index = next++;
        results[index] = await work(items[index]!);
      }
    }),
  );
  return results;
}

describe('the export corpus through `pca analyze --format json`', () => {
  const results = new Map<string, { dataset: DatasetBody; report: ReportBody } | string>();
  beforeAll(async () => {
    // A handful of processes (files of distinct platforms together), two at a time on a small machine.
    await pool(runs(), 2, async (run) => {
      const result = await runCli(
        ['analyze', ...run.map((name) => path.join(CORPUS, name)), '--format', 'json'],
        {},
        120_000,
      );
      if (result.code !== 0) {
        for (const name of run) results.set(name, result.stderr);
        return;
      }
      const report = JSON.parse(result.stdout) as ReportBody;
      run.forEach((name, index) => results.set(name, { dataset: report.datasets[index]!, report }));
    });
  }, 300_000);

  it('has at least three variants of every supported platform and of generic sheets', () => {
    const byPlatform = new Map<string, number>();
    for (const name of FILES) {
      const family = name.replace(/-.*$/, '');
      byPlatform.set(family, (byPlatform.get(family) ?? 0) + 1);
    }
    for (const family of [
      'meta',
      'google',
      'microsoft',
      'linkedin',
      'tiktok',
      'snapchat',
      'pinterest',
      'reddit',
      'x',
      'amazon',
      'dv360',
      'cm360',
      'generic',
    ]) {
      expect(byPlatform.get(family) ?? 0, family).toBeGreaterThanOrEqual(3);
    }
    for (const name of FILES) expect(EXPECTED[name]!.rows, name).toBeGreaterThanOrEqual(10);
  });

  it.each(FILES)('%s', (name) => {
    const result = results.get(name);
    if (typeof result === 'string' || result === undefined) throw new Error(`pca analyze failed: ${result}`);
    check(name, result.dataset, result.report);
  });
});

describe.each(BACKENDS)('the export corpus through the API [%s]', (backend) => {
  let t: TestApp;
  let analyst: Session;
  const results = new Map<string, { dataset: DatasetBody; report: ReportBody } | string>();
  beforeAll(async () => {
    t = await createTestApp(backend, { env: { PCA_LOGIN_RATE_LIMIT: '1000' } });
    analyst = (await seedOrg(t, 'corpus')).users.analyst;
    // Every file uploaded as its own dataset, then analysed with the other files of its run.
    for (const run of runs()) {
      const datasets: DatasetBody[] = [];
      const ids: string[] = [];
      for (const name of run) {
        const uploaded = await upload(name, await readFile(path.join(CORPUS, name)));
        if (uploaded.statusCode !== 201) results.set(name, uploaded.body);
        else {
          const body = uploaded.json<DatasetBody & { id: string }>();
          datasets.push(body);
          ids.push(body.id);
        }
      }
      const analysis = await t.app.inject({
        method: 'POST',
        url: '/api/v1/analyses',
        headers: bearer(analyst.accessToken),
        payload: { datasetIds: ids },
      });
      run.forEach((name, index) => {
        if (results.has(name)) return;
        if (analysis.statusCode !== 201) results.set(name, analysis.body);
        else results.set(name, { dataset: datasets[index]!, report: analysis.json<{ result: ReportBody }>().result });
      });
    }
  }, 300_000);
  afterAll(() => t.dispose());

  async function upload(name: string, content: Buffer, fields: Record<string, string> = {}) {
    const body = multipart({ name, content }, fields);
    return t.app.inject({
      method: 'POST',
      url: '/api/v1/datasets',
      headers: { ...bearer(analyst.accessToken), ...body.headers },
      payload: body.payload,
    });
  }

  it.each(FILES)('%s', (name) => {
    const result = results.get(name);
    if (typeof result === 'string' || result === undefined) throw new Error(`upload or analysis failed: ${result}`);
    check(name, result.dataset, result.report);
  });

  it('answers 422 with the reason when a mapping names no column of the file or gives a field twice', async () => {
    const content = await readFile(path.join(CORPUS, 'meta-daily-ads.csv'));
    for (const [mapping, reason] of [
      [{ Tag: 'date' }, '"Tag", which is not a column'],
      [{ Day: 'date', 'Reporting starts': 'date' }, 'date to "Day" and "Reporting starts"'],
    ] as const) {
      const response = await upload('meta.csv', content, { mapping: JSON.stringify(mapping) });
      expect(response.statusCode).toBe(422);
      expect(response.headers['content-type']).toMatch(/problem\+json/);
      expect(response.json<{ detail: string }>().detail).toContain(reason);
    }
  });
});
