import { randomUUID } from 'node:crypto';
import { chmod, mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Kysely, Selectable } from 'kysely';
import type { AuditRecorder } from '../../audit/index.js';
import { changesBetween } from '../../audit/index.js';
import { AppError } from '../../errors.js';
import { newId, type OrgId, type UserId } from '../../ids.js';
import { sweepTemp, TEMP_SWEEP_AGE_MS, type DataDirLayout } from '../../store/data-dir.js';
import { fromJson, toJson } from '../../store/json.js';
import { decodeCursor, pastCursor, toPage, type Page } from '../../store/pagination.js';
import { inTransaction } from '../../store/transactions.js';
import type { Database, DatasetTable } from '../../store/schema.js';
import { assertWithinQuota, withOrganizationLock } from '../../tenancy/index.js';
import { requireOrganization } from '../../tenancy/index.js';
import type { DuckEngine } from '../engine/duckdb.js';
import { ingest } from '../ingest/ingest.js';
import { holdFiles, retireWhenFree } from './dataset-files.js';
import { unifiedParquetSource } from './parquet-source.js';
import { storedFields } from '../ingest/load.js';
import type { IngestOptions } from '../ingest/plan.js';
import { sqlString } from '../ingest/values.js';
import { summariseDataset, type DatasetSummary } from '../report/report.js';
import type { Field } from '../schema.js';

export interface DatasetDeps {
  readonly db: Kysely<Database>;
  readonly duck: DuckEngine;
  readonly layout: DataDirLayout;
  readonly clock: () => Date;
}

export interface UploadOptions {
  readonly name?: string;
  readonly platform?: string;
  readonly sheet?: string;
  readonly currency?: string;
  readonly mapping?: Record<string, Field | null>;
}

export interface Dataset extends Omit<DatasetSummary, 'file'> {
  readonly id: string;
  readonly name: string;
  readonly originalFilename: string;
  readonly bytes: number;
  readonly createdBy: string;
  readonly createdAt: string;
  readonly updatedAt: string;
}

const SOURCE = 'source';
/** The one Parquet file of datasets stored before versions. */
const LEGACY_PARQUET = 'data.parquet';

function datasetDir(layout: DataDirLayout, orgId: string, id: string): string {
  return path.join(layout.datasets, orgId, id);
}

/** Distinct values per row group past which a Parquet column is written without a dictionary. */
const PARQUET_DICTIONARY_LIMIT = 4096;

/** A new version's file name: every build writes a file of its own, never over one a query may read. */
const newDataFile = () => `data-${randomUUID()}.parquet`;

function parquetPath(
  layout: DataDirLayout,
  row: Pick<Selectable<DatasetTable>, 'org_id' | 'id' | 'data_file'>,
): string {
  return path.join(datasetDir(layout, row.org_id, row.id), row.data_file ?? LEGACY_PARQUET);
}

/**
 * Runs `work` over the current Parquet versions of the caller's datasets,
 * resolved once: a remap during the work switches later readers to its
 * version and removes this one only when the work is done. Any id that is
 * not the caller's is "not found".
 */
export async function withDatasetFiles<T>(
  deps: DatasetDeps,
  orgId: OrgId,
  ids: readonly string[],
  work: (files: string[], datasets: Dataset[]) => Promise<T>,
): Promise<T> {
  const rows = await Promise.all([...new Set(ids)].map((id) => datasetRow(deps.db, orgId, id)));
  const files = rows.map((row) => parquetPath(deps.layout, row));
  const release = holdFiles(files);
  try {
    return await work(files, rows.map(present));
  } finally {
    release();
  }
}

function present(row: Selectable<DatasetTable>): Dataset {
  const info = fromJson<Omit<DatasetSummary, 'file'>>(row.info, {} as Omit<DatasetSummary, 'file'>);
  return {
    ...info,
    id: row.id,
    name: row.name,
    originalFilename: row.original_filename,
    bytes: row.bytes,
    createdBy: row.created_by,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

async function datasetRow(db: Kysely<Database>, orgId: OrgId, id: string): Promise<Selectable<DatasetTable>> {
  const row = await db
    .selectFrom('datasets')
    .selectAll()
    .where('id', '=', id)
    .where('org_id', '=', orgId)
    .executeTakeFirst();
  if (!row) throw new AppError('not-found', 'No such dataset.');
  return row;
}

export async function getDataset(db: Kysely<Database>, orgId: OrgId, id: string): Promise<Dataset> {
  return present(await datasetRow(db, orgId, id));
}

export async function listDatasets(
  db: Kysely<Database>,
  orgId: OrgId,
  page: { limit: number; cursor?: string },
): Promise<Page<Dataset>> {
  const cursor = decodeCursor(page.cursor);
  let query = db
    .selectFrom('datasets')
    .selectAll()
    .where('org_id', '=', orgId)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(page.limit + 1);
  if (cursor) {
    query = query.where(pastCursor(cursor, 'desc'));
  }
  return toPage(await query.execute(), page.limit, (row) => row.created_at, present);
}

/** The ids of an organisation's datasets created before a time (what retention removes). */
export async function datasetIdsCreatedBefore(db: Kysely<Database>, orgId: OrgId, before: string): Promise<string[]> {
  const rows = await db
    .selectFrom('datasets')
    .select('id')
    .where('org_id', '=', orgId)
    .where('created_at', '<', before)
    .execute();
  return rows.map((row) => row.id);
}

export async function datasetUsage(db: Kysely<Database>, orgId: OrgId): Promise<{ datasets: number; bytes: number }> {
  const row = await db
    .selectFrom('datasets')
    .select((eb) => [eb.fn.countAll<number>().as('n'), eb.fn.sum<number>('bytes').as('bytes')])
    .where('org_id', '=', orgId)
    .executeTakeFirstOrThrow();
  return { datasets: Number(row.n), bytes: Number(row.bytes ?? 0) };
}

/**
 * Reads the upload and writes its Parquet file in a staging folder, so that a
 * failure at any step leaves nothing behind; returns the built folder's facts.
 */
async function build(
  deps: DatasetDeps,
  staging: string,
  source: string,
  originalName: string,
  options: IngestOptions & { sheet?: string },
  dataFile: string,
): Promise<{ summary: DatasetSummary; bytes: number }> {
  const parquet = path.join(staging, dataFile);
  // The file's lines, staged for the quality scans and the write; the staging folder goes on every failure.
  const lines = path.join(staging, `lines-${randomUUID()}.parquet`);
  const summary = await deps.duck.withConnection(async (connection) => {
    const target = { kind: 'parquet', file: lines } as const;
    const result = await ingest(connection, target, { ...options, file: source, originalName, tmpDir: staging });
    // Only the fields the dataset stores: readers supply the others as NULL (parquet-source.ts), and writing
    // the always-empty ones cost about a third of the write. Format V2 writes measures with byte-stream-split
    // instead of trying a dictionary for each: a cheaper write, a file about 12 % larger, reads no slower.
    // A column gives up its dictionary after 4,096 distinct values in a row group (DuckDB's default is 24,576):
    // measures such as spend, distinct on nearly every row, were hashed that far before falling back, about a
    // fifth of the write; dimensions (platforms, campaigns, devices, dates) keep theirs.
    const stored = storedFields(result.plan).map((field) => `"${field}"`);
    await connection.run(
      `COPY (SELECT ${stored.join(', ')} FROM ${result.relation}) TO ${sqlString(parquet)} (FORMAT parquet, COMPRESSION zstd, PARQUET_VERSION V2, DICTIONARY_SIZE_LIMIT ${PARQUET_DICTIONARY_LIMIT})`,
    );
    return summariseDataset(originalName, result);
  });
  // Not moved with the folder into the dataset's: a dataset's folder holds its upload and its versions only.
  await rm(lines);
  // DuckDB writes with the process umask; a dataset is the organisation's data.
  await chmod(parquet, 0o600);
  const bytes = (await stat(source)).size + (await stat(parquet)).size;
  return { summary, bytes };
}

function ingestOptions(options: UploadOptions): IngestOptions & { sheet?: string } {
  return {
    ...(options.platform ? { platform: options.platform } : {}),
    ...(options.sheet ? { sheet: options.sheet } : {}),
    ...(options.currency ? { currency: options.currency } : {}),
    ...(options.mapping ? { mapping: options.mapping } : {}),
  };
}

/** The columns a build determines, for a new record and for a rebuild alike. */
function builtColumns(summary: DatasetSummary, options: UploadOptions, bytes: number, now: string) {
  return {
    platform: summary.platform,
    rows: summary.rows,
    date_from: summary.dateRange.from,
    date_to: summary.dateRange.to,
    // The summary without the upload's temp path, which means nothing once stored.
    info: toJson({ ...summary, file: undefined }),
    options: toJson(options),
    bytes,
    updated_at: now,
  };
}

/** Bytes of uploads being read in this process, per organisation: counted against maxStorageBytes until stored or refused. */
const inFlight = new Map<string, number>();

function reserveInFlight(orgId: OrgId, bytes: number): () => void {
  inFlight.set(orgId, (inFlight.get(orgId) ?? 0) + bytes);
  return () => {
    const left = (inFlight.get(orgId) ?? bytes) - bytes;
    if (left > 0) inFlight.set(orgId, left);
    else inFlight.delete(orgId);
  };
}

/**
 * Stores an upload as a dataset: counted against maxDatasets and
 * maxStorageBytes (with the other uploads in flight), written as Parquet
 * beside the original, recorded only once both files are in place.
 * `upload` is moved, never copied, and removed on every failure.
 */
export async function createDataset(
  deps: DatasetDeps,
  owner: { orgId: OrgId; userId: UserId },
  upload: { file: string; originalName: string },
  options: UploadOptions,
  audit: AuditRecorder,
): Promise<Dataset> {
  const id = newId('ds');
  const staging = path.join(deps.layout.tmp, `dataset-${id}`);
  let release: (() => void) | undefined;
  try {
    const org = await requireOrganization(deps.db, owner.orgId);
    const usage = await datasetUsage(deps.db, owner.orgId);
    assertWithinQuota(org.quotas, 'maxDatasets', usage.datasets);
    const uploadBytes = (await stat(upload.file)).size;
    assertWithinQuota(org.quotas, 'maxStorageBytes', usage.bytes + (inFlight.get(owner.orgId) ?? 0), uploadBytes);
    release = reserveInFlight(owner.orgId, uploadBytes);

    const final = datasetDir(deps.layout, owner.orgId, id);
    await mkdir(staging, { recursive: true, mode: 0o700 });
    const extension = path
      .extname(upload.originalName)
      .toLowerCase()
      .replace(/[^a-z.]/g, '')
      .slice(0, 6);
    const source = path.join(staging, `${SOURCE}${extension}`);
    await rename(upload.file, source);
    const dataFile = newDataFile();
    const { summary, bytes } = await build(
      deps,
      staging,
      source,
      upload.originalName,
      ingestOptions(options),
      dataFile,
    );
    await mkdir(path.dirname(final), { recursive: true, mode: 0o700 });
    await rename(staging, final);
    const now = deps.clock().toISOString();
    const row = {
      id,
      org_id: owner.orgId,
      name: options.name ?? upload.originalName,
      original_filename: upload.originalName,
      format: summary.format,
      sheet: summary.sheet ?? null,
      ...builtColumns(summary, options, bytes, now),
      data_file: dataFile,
      created_by: owner.userId,
      created_at: now,
    };
    try {
      // Checked again under the organisation's lock: concurrent uploads cannot both pass the quotas.
      await withOrganizationLock(deps.db, owner.orgId, async (trx) => {
        const current = await datasetUsage(trx, owner.orgId);
        assertWithinQuota(org.quotas, 'maxDatasets', current.datasets);
        assertWithinQuota(org.quotas, 'maxStorageBytes', current.bytes, bytes);
        await trx.insertInto('datasets').values(row).execute();
        await audit.record(trx, {
          action: 'dataset.uploaded',
          target: { type: 'dataset', id, name: row.name },
          details: {
            file: upload.originalName,
            format: row.format,
            platform: row.platform,
            rows: row.rows,
            bytes,
            sheet: row.sheet,
          },
        });
      });
    } catch (error) {
      await rm(final, { recursive: true, force: true });
      throw error;
    }
    return present(row);
  } finally {
    release?.();
    await rm(staging, { recursive: true, force: true });
    await rm(upload.file, { force: true });
  }
}

/**
 * Rebuilds a dataset from its original upload with the user's mapping into a
 * new Parquet version, switches the record to it in one transaction, and
 * removes the version it replaced once no query reads it. Concurrent remaps
 * each build their own version; the last to commit is current.
 */
export async function remapDataset(
  deps: DatasetDeps,
  orgId: OrgId,
  id: string,
  mapping: Record<string, Field | null>,
  audit: AuditRecorder,
): Promise<{ before: Dataset; after: Dataset }> {
  const row = await datasetRow(deps.db, orgId, id);
  const options: UploadOptions = { ...fromJson<UploadOptions>(row.options, {}), mapping };
  const final = datasetDir(deps.layout, orgId, id);
  const staging = path.join(deps.layout.tmp, `remap-${newId('ds')}`);
  const dataFile = newDataFile();
  await mkdir(staging, { recursive: true, mode: 0o700 });
  let switched = false;
  try {
    // The original upload is never rewritten, so it is read in place.
    const original = (await readdir(final)).find((name) => name.startsWith(SOURCE));
    if (!original)
      throw new AppError('conflict', 'The original upload of this dataset is no longer stored; upload it again.');
    const { summary, bytes } = await build(
      deps,
      staging,
      path.join(final, original),
      row.original_filename,
      ingestOptions(options),
      dataFile,
    );
    await rename(path.join(staging, dataFile), path.join(final, dataFile));
    const changes = { ...builtColumns(summary, options, bytes, deps.clock().toISOString()), data_file: dataFile };
    const { before, after, replaced } = await withOrganizationLock(deps.db, orgId, async (trx) => {
      const current = await trx
        .selectFrom('datasets')
        .selectAll()
        .where('id', '=', id)
        .where('org_id', '=', orgId)
        .executeTakeFirst();
      if (!current) throw new AppError('not-found', 'No such dataset.');
      const was = present(current);
      const now = present({ ...current, ...changes });
      await trx.updateTable('datasets').set(changes).where('id', '=', id).where('org_id', '=', orgId).execute();
      await audit.record(trx, {
        action: 'dataset.mapping_changed',
        target: { type: 'dataset', id, name: current.name },
        details: { requested: mapping, changes: changesBetween(was, now, ['mapping', 'unmapped', 'rows', 'platform']) },
      });
      return { before: was, after: now, replaced: parquetPath(deps.layout, current) };
    });
    switched = true;
    void retireWhenFree(replaced).catch(() => undefined);
    return { before, after };
  } finally {
    if (!switched) await rm(path.join(final, dataFile), { force: true });
    await rm(staging, { recursive: true, force: true });
  }
}

export async function deleteDataset(
  deps: DatasetDeps,
  orgId: OrgId,
  id: string,
  audit: AuditRecorder,
): Promise<Dataset> {
  const row = await datasetRow(deps.db, orgId, id);
  await inTransaction(deps.db, async (trx) => {
    await trx.deleteFrom('datasets').where('id', '=', id).where('org_id', '=', orgId).execute();
    await audit.record(trx, {
      action: 'dataset.deleted',
      orgId,
      target: { type: 'dataset', id, name: row.name },
      details: { rows: row.rows, bytes: row.bytes, platform: row.platform },
    });
  });
  // Queries already reading the dataset finish first.
  await retireWhenFree(datasetDir(deps.layout, orgId, id), 0);
  return present(row);
}

/** A page of a dataset's rows in the unified schema, in file order (a scrolling preview reads it page by page). */
export async function previewDataset(
  deps: DatasetDeps,
  orgId: OrgId,
  id: string,
  limit: number,
  offset = 0,
): Promise<Record<string, unknown>[]> {
  const rows = Math.max(1, Math.min(Math.trunc(limit), 1000));
  const skip = Math.max(0, Math.trunc(offset));
  return withDatasetFiles(deps, orgId, [id], async (files) =>
    deps.duck.query(
      `SELECT * REPLACE (strftime("date", '%Y-%m-%d') AS "date") FROM ${await unifiedParquetSource(deps.duck, files)} LIMIT ${rows} OFFSET ${skip}`,
    ),
  );
}

/**
 * Removes what a crash left in the data dir: abandoned temp work, Parquet
 * versions no record points to, and dataset folders without a record, each
 * only once older than the sweep age (another instance may be writing it).
 */
export async function sweepDatasetStorage(
  deps: Pick<DatasetDeps, 'db' | 'layout'>,
  now: Date,
  olderThanMs = TEMP_SWEEP_AGE_MS,
): Promise<number> {
  let removed = await sweepTemp(deps.layout, now, olderThanMs);
  const rows = await deps.db.selectFrom('datasets').select(['id', 'org_id', 'data_file']).execute();
  const current = new Map(rows.map((row) => [`${row.org_id}/${row.id}`, row.data_file ?? LEGACY_PARQUET]));
  const old = async (entry: string) => {
    const info = await stat(entry).catch(() => undefined);
    return info !== undefined && now.getTime() - info.mtimeMs >= olderThanMs;
  };
  for (const orgId of await readdir(deps.layout.datasets).catch(() => [])) {
    for (const id of await readdir(path.join(deps.layout.datasets, orgId)).catch(() => [])) {
      const dir = path.join(deps.layout.datasets, orgId, id);
      const dataFile = current.get(`${orgId}/${id}`);
      const stale =
        dataFile === undefined
          ? [dir]
          : (await readdir(dir).catch(() => []))
              .filter((name) => name.endsWith('.parquet') && name !== dataFile)
              .map((name) => path.join(dir, name));
      for (const entry of stale) {
        if (!(await old(entry))) continue;
        await rm(entry, { recursive: true, force: true });
        removed++;
      }
    }
  }
  return removed;
}
