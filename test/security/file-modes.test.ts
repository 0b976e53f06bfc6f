import { chmod, lstat, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { prepareDataDir } from '../../src/store/data-dir.js';
import { fixture } from '../analysis/helpers.js';
import { createTestApp } from '../helpers/app.js';
import { BACKENDS } from '../helpers/backends.js';
import { bearer } from '../helpers/identity.js';
import { seedOrg } from '../helpers/seed.js';
import { multipart } from '../helpers/multipart.js';
import { deflatedEntry, inlineRow, sheetXml, workbookParts, zip } from '../../bench/workbooks.mjs';

const modeOf = async (file: string) => (await stat(file)).mode & 0o777;

describe('file modes', () => {
  it('tightens an existing world-readable data directory to 0700 and its files to 0600 at start', async () => {
    const root = await mkdtemp(path.join(tmpdir(), 'pca-modes-'));
    try {
      await chmod(root, 0o755);
      // What an older version left: a dataset folder and its Parquet file open to others.
      const old = path.join(root, 'datasets', 'org_old', 'ds_old');
      await mkdir(old, { recursive: true, mode: 0o755 });
      await writeFile(path.join(old, 'data.parquet'), 'x', { mode: 0o644 });
      await writeFile(path.join(root, 'pca.sqlite'), 'x', { mode: 0o664 });
      const layout = await prepareDataDir(root);
      expect(await modeOf(root)).toBe(0o700);
      expect(await modeOf(layout.datasets)).toBe(0o700);
      expect(await modeOf(old)).toBe(0o700);
      expect(await modeOf(path.join(old, 'data.parquet'))).toBe(0o600);
      expect(await modeOf(path.join(root, 'pca.sqlite'))).toBe(0o600);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });

  it.each(BACKENDS)(
    'stores Parquet files (and the SQLite store) owner-only [%s]',
    async (backend) => {
      const t = await createTestApp(backend, { env: { PCA_LOGIN_RATE_LIMIT: '1000' } });
      try {
        const org = await seedOrg(t, 'modes');
        const body = multipart({ name: 'meta.csv', content: await readFile(fixture('meta.csv')) });
        const response = await t.app.inject({
          method: 'POST',
          url: '/api/v1/datasets',
          headers: { ...bearer(org.users.analyst.accessToken), ...body.headers },
          payload: body.payload,
        });
        const dir = path.join(t.ctx.layout.datasets, org.orgId, response.json<{ id: string }>().id);
        for (const name of await readdir(dir)) expect(await modeOf(path.join(dir, name)), name).toBe(0o600);
        if (backend === 'sqlite') expect(await modeOf(path.join(t.ctx.layout.root, 'pca.sqlite'))).toBe(0o600);
      } finally {
        await t.dispose();
      }
    },
    120_000,
  );

  /** Every entry under `root` whose mode is not owner-only (files 0600, folders 0700). */
  async function looseEntries(root: string): Promise<string[]> {
    const loose: string[] = [];
    const walk = async (dir: string): Promise<void> => {
      for (const name of await readdir(dir)) {
        const entry = path.join(dir, name);
        const info = await lstat(entry);
        const want = info.isDirectory() ? 0o700 : 0o600;
        if ((info.mode & 0o777) !== want)
          loose.push(`${path.relative(root, entry)} ${(info.mode & 0o777).toString(8)}`);
        if (info.isDirectory()) await walk(entry);
      }
    };
    await walk(root);
    return loose;
  }

  it.each(BACKENDS)(
    'writes every file owner-only whatever the umask: uploads, sheets, Parquet versions, audit archives, store [%s]',
    async (backend) => {
      // umask 0 turns any file created without an explicit mode into 0666 (folders 0777), so none can hide.
      const previous = process.umask(0);
      let now = new Date('2026-11-30T10:00:00Z');
      const t = await createTestApp(backend, { clock: () => now, env: { PCA_LOGIN_RATE_LIMIT: '1000' } });
      try {
        const org = await seedOrg(t, 'umask');
        const as = bearer(org.users.analyst.accessToken);
        const csv = multipart({ name: 'meta.csv', content: await readFile(fixture('meta.csv')) });
        const dataset = await t.app.inject({
          method: 'POST',
          url: '/api/v1/datasets',
          headers: { ...as, ...csv.headers },
          payload: csv.payload,
        });
        expect(dataset.statusCode).toBe(201);
        const sheet = sheetXml(
          [inlineRow(1, ['Date', 'Campaign', 'Spend']), inlineRow(2, ['2025-11-01', 'A', '10'])].join(''),
        );
        const book = multipart({
          name: 'book.xlsx',
          content: zip([...workbookParts(['S']), deflatedEntry('xl/worksheets/sheet1.xml', sheet)]),
        });
        expect(
          (
            await t.app.inject({
              method: 'POST',
              url: '/api/v1/datasets',
              headers: { ...as, ...book.headers },
              payload: book.payload,
            })
          ).statusCode,
        ).toBe(201);
        const { id } = dataset.json<{ id: string }>();
        const remap = await t.app.inject({
          method: 'PATCH',
          url: `/api/v1/datasets/${id}/mapping`,
          headers: as,
          payload: { mapping: { 'Ad name': null } },
        });
        expect(remap.statusCode, remap.body).toBe(200);
        // Past the audit retention: the retention run moves the trail into archive files.
        now = new Date(now.getTime() + 800 * 86_400_000);
        const report = await t.retention.tick();
        expect(report?.removed.auditEvents).toBeGreaterThan(0);
        const archives = await readdir(t.ctx.layout.auditArchive, { recursive: true });
        expect(archives.some((name) => name.endsWith('.jsonl.gz'))).toBe(true);
        expect(await looseEntries(t.ctx.layout.root)).toEqual([]);
      } finally {
        process.umask(previous);
        await t.dispose();
      }
    },
    120_000,
  );
});
