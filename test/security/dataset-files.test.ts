import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runRetention } from '../../src/commands/retention.js';
import { fixture } from '../analysis/helpers.js';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { BACKENDS } from '../helpers/backends.js';
import { bearer, type Session, type TestOrg } from '../helpers/identity.js';
import { seedOperator, seedOrg } from '../helpers/seed.js';
import { multipart } from '../helpers/multipart.js';

/** A multipart body whose `mapping` field comes after the file, so the file is written before the field is read. */
function fileThenField(content: Buffer, field: string, value: string) {
  const boundary = `----pca${randomBytes(8).toString('hex')}`;
  const payload = Buffer.concat([
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="meta.csv"\r\nContent-Type: text/csv\r\n\r\n`,
    ),
    content,
    Buffer.from(
      `\r\n--${boundary}\r\nContent-Disposition: form-data; name="${field}"\r\n\r\n${value}\r\n--${boundary}--\r\n`,
    ),
  ]);
  return { payload, headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

const HOUR_AGO = new Date(Date.now() - 3_600_000);

async function makeAbandoned(dir: string, name: string, old: boolean): Promise<void> {
  await mkdir(dir, { recursive: true });
  const entry = path.join(dir, name);
  if (name.endsWith('.parquet') || name.startsWith('upload-')) await writeFile(entry, 'x');
  else {
    await mkdir(entry, { recursive: true });
    await writeFile(path.join(entry, 'source.csv'), 'x');
  }
  if (old) await utimes(entry, HOUR_AGO, HOUR_AGO);
}

describe.each(BACKENDS)('dataset files on disk [%s]', (backend) => {
  let t: TestApp;
  let operator: Session;
  let org: TestOrg;
  const as = (session: Session) => bearer(session.accessToken);

  beforeAll(async () => {
    t = await createTestApp(backend, { env: { PCA_LOGIN_RATE_LIMIT: '1000' } });
    operator = await seedOperator(t);
    org = await seedOrg(t, 'files');
  }, 120_000);
  afterAll(() => t.dispose());

  async function upload(body: { payload: Buffer; headers: Record<string, string> }) {
    return t.app.inject({
      method: 'POST',
      url: '/api/v1/datasets',
      headers: { ...as(org.users.analyst), ...body.headers },
      payload: body.payload,
    });
  }
  const tmpEntries = async () => (await readdir(t.ctx.layout.tmp)).filter((name) => name !== 'duckdb');

  it('leaves no temp file behind when a field after the file is invalid, or a quota refuses the upload', async () => {
    const content = await readFile(fixture('meta.csv'));
    const invalid = await upload(fileThenField(content, 'mapping', '{"Spend": "planet"}'));
    expect(invalid.statusCode).toBe(422);
    expect(await tmpEntries()).toEqual([]);

    const patch = (quotas: Record<string, number>) =>
      t.app.inject({ method: 'PATCH', url: `/api/v1/orgs/${org.orgId}`, headers: as(operator), payload: { quotas } });
    expect((await patch({ maxStorageBytes: 10 })).statusCode).toBe(200);
    const refused = await upload(multipart({ name: 'meta.csv', content }));
    expect(refused.statusCode).toBe(403);
    expect(await tmpEntries()).toEqual([]);
    expect((await patch({ maxStorageBytes: 10 * 1024 ** 3 })).statusCode).toBe(200);
  });

  it('sweeps what a crash left (temp work, unreferenced versions, folders without a record) on the retention schedule, sparing young work', async () => {
    const stored = (await upload(multipart({ name: 'meta.csv', content: await readFile(fixture('meta.csv')) }))).json<{
      id: string;
    }>();
    const datasetDir = path.join(t.ctx.layout.datasets, org.orgId, stored.id);
    for (const name of ['dataset-ds_crashed', 'remap-ds_crashed', 'retired-ds_crashed', 'upload-crashed'])
      await makeAbandoned(t.ctx.layout.tmp, name, true);
    await makeAbandoned(t.ctx.layout.tmp, 'dataset-ds_young', false);
    await makeAbandoned(datasetDir, 'data-crashed.parquet', true);
    await makeAbandoned(path.join(t.ctx.layout.datasets, org.orgId), 'ds_norecord', true);

    const report = await runRetention(
      { db: t.ctx.store.db, layout: t.ctx.layout, duck: t.ctx.duck, audit: t.ctx.audit },
      new Date(),
    );
    expect(report.removed.abandoned_files).toBe(6);
    expect(await tmpEntries()).toEqual(['dataset-ds_young']);
    expect((await readdir(datasetDir)).filter((name) => name.endsWith('.parquet'))).toHaveLength(1);
    expect(await readdir(path.join(t.ctx.layout.datasets, org.orgId))).not.toContain('ds_norecord');
    const preview = await t.app.inject({
      method: 'GET',
      url: `/api/v1/datasets/${stored.id}/preview`,
      headers: as(org.users.viewer),
    });
    expect(preview.statusCode).toBe(200);
  });

  it('never fails a query while several remaps of its dataset run at once, and keeps one version in the end', async () => {
    const csv = 'When,Where,Money,Taps\n2025-11-01,Meta,10,2\n2025-11-02,Meta,5,1\n';
    const dataset = (
      await upload(
        multipart({ name: 'generic.csv', content: csv }, { mapping: JSON.stringify({ Money: 'spend', When: 'date' }) }),
      )
    ).json<{ id: string }>();
    const mappings = [
      { When: 'date', Money: 'spend' },
      { When: 'date', Money: 'spend', Taps: 'clicks' },
      { When: 'date', Where: 'platform', Money: 'spend', Taps: 'clicks' },
      { When: 'date', Money: 'spend', Taps: 'impressions' },
    ];
    let remapping = true;
    const statuses: number[] = [];
    const queries = (async () => {
      while (remapping) {
        const response = await t.app.inject({
          method: 'POST',
          url: '/api/v1/query',
          headers: as(org.users.viewer),
          payload: { datasetIds: [dataset.id], metrics: ['spend'], dimensions: ['platform'] },
        });
        statuses.push(response.statusCode);
        expect(response.statusCode, response.body).toBe(200);
        expect(response.json<{ rows: { spend: number }[] }>().rows.reduce((sum, row) => sum + row.spend, 0)).toBe(15);
      }
    })();
    const remaps = await Promise.all(
      [...mappings, ...mappings].map((mapping) =>
        t.app.inject({
          method: 'PATCH',
          url: `/api/v1/datasets/${dataset.id}/mapping`,
          headers: as(org.users.analyst),
          payload: { mapping },
        }),
      ),
    );
    remapping = false;
    await queries;
    expect(remaps.map((response) => response.statusCode)).toEqual(remaps.map(() => 200));
    expect(statuses.length).toBeGreaterThan(0);
    expect(statuses.filter((status) => status !== 200)).toEqual([]);

    // The replaced versions go once nothing reads them (after a short grace).
    const dir = path.join(t.ctx.layout.datasets, org.orgId, dataset.id);
    const parquet = async () => (await readdir(dir)).filter((name) => name.endsWith('.parquet'));
    for (let i = 0; i < 100 && (await parquet()).length > 1; i++) await sleep(100);
    const current = await t.ctx.store.db
      .selectFrom('datasets')
      .select('data_file')
      .where('id', '=', dataset.id)
      .executeTakeFirstOrThrow();
    expect(await parquet()).toEqual([current.data_file]);
  }, 60_000);
});
