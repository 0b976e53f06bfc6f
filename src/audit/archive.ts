import { createHash } from 'node:crypto';
import { mkdir, readFile, readdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { gunzip, gzip } from 'node:zlib';
import type { Kysely, Selectable } from 'kysely';
import type { DataDirLayout } from '../store/data-dir.js';
import type { AuditEventTable, AuditHeadTable, Database } from '../store/schema.js';
import { inTransaction } from '../store/transactions.js';
import type { OrgId } from '../ids.js';
import { advanceArchiveAnchor } from './append.js';
import { CHECKPOINT_INTERVAL, headMac } from './chain.js';
import { hmacHex } from './hmac.js';
import { systemRecorder, type AuditLog } from './recorder.js';
import { ChainWalker, breakIn, type Break } from './walk.js';

const gzipAsync = promisify(gzip);
const gunzipAsync = promisify(gunzip);

/** What an archive file holds, sealed with the audit key so a forged manifest shows. */
export interface ArchiveManifest {
  readonly orgId: OrgId;
  readonly file: string;
  readonly fromSeq: number;
  readonly toSeq: number;
  readonly count: number;
  readonly fromTime: string;
  readonly toTime: string;
  /** `prevHash` of the first event: the link to what came before. */
  readonly prevHash: string;
  readonly firstHash: string;
  readonly lastHash: string;
  readonly sha256: string;
  readonly createdAt: string;
  readonly mac: string;
}

/** Events per archive file: bounds the memory of reading one back. */
const EVENTS_PER_FILE = 50_000;
const MANIFEST_SUFFIX = '.manifest.json';

type Row = Selectable<AuditEventTable>;

function orgDir(root: string, orgId: OrgId): string {
  if (!/^org_[a-z0-9]+$/.test(orgId)) throw new Error(`not an organisation id: ${orgId}`);
  return path.join(root, orgId);
}

function manifestMac(key: Buffer, manifest: Omit<ArchiveManifest, 'mac'>): string {
  const { orgId, file, fromSeq, toSeq, count, fromTime, toTime, prevHash, firstHash, lastHash, sha256, createdAt } =
    manifest;
  return hmacHex(
    key,
    JSON.stringify([
      'pca-audit-archive-1',
      orgId,
      file,
      fromSeq,
      toSeq,
      count,
      fromTime,
      toTime,
      prevHash,
      firstHash,
      lastHash,
      sha256,
      createdAt,
    ]),
  );
}

/** An organisation's archive manifests, oldest first. */
export async function listManifests(root: string, orgId: OrgId): Promise<ArchiveManifest[]> {
  let names: string[];
  try {
    names = await readdir(orgDir(root, orgId));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const manifests = await Promise.all(
    names
      .filter((name) => name.endsWith(MANIFEST_SUFFIX))
      .map(async (name) => JSON.parse(await readFile(path.join(orgDir(root, orgId), name), 'utf8')) as ArchiveManifest),
  );
  return manifests.sort((a, b) => a.fromSeq - b.fromSeq);
}

/** Why a manifest or its file cannot be trusted, if so. */
export async function verifyManifest(
  key: Buffer,
  root: string,
  manifest: ArchiveManifest,
): Promise<string | undefined> {
  const { mac, ...fields } = manifest;
  if (mac !== manifestMac(key, fields)) return `manifest of ${manifest.file} was altered`;
  let bytes: Buffer;
  try {
    bytes = await readFile(path.join(orgDir(root, manifest.orgId), path.basename(manifest.file)));
  } catch {
    return `archive ${manifest.file} is missing`;
  }
  if (createHash('sha256').update(bytes).digest('hex') !== manifest.sha256)
    return `archive ${manifest.file} was altered`;
  return undefined;
}

/** The stored rows of one archive file, in sequence order. */
export async function readArchiveRows(root: string, manifest: ArchiveManifest): Promise<Row[]> {
  const bytes = await readFile(path.join(orgDir(root, manifest.orgId), path.basename(manifest.file)));
  const text = (await gunzipAsync(bytes)).toString('utf8');
  return text
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as Row);
}

export interface ArchiveDeps {
  readonly db: Kysely<Database>;
  readonly layout: DataDirLayout;
  readonly audit: AuditLog;
}

async function writeArchive(deps: ArchiveDeps, orgId: OrgId, rows: Row[], now: Date): Promise<ArchiveManifest> {
  const first = rows[0]!;
  const last = rows[rows.length - 1]!;
  const dir = orgDir(deps.layout.auditArchive, orgId);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const base = `${String(first.seq).padStart(12, '0')}-${String(last.seq).padStart(12, '0')}`;
  const file = `${base}.jsonl.gz`;
  const body = await gzipAsync(
    Buffer.from(rows.map((row) => `${JSON.stringify({ ...row, seq: Number(row.seq) })}\n`).join(''), 'utf8'),
  );
  const fields = {
    orgId,
    file,
    fromSeq: Number(first.seq),
    toSeq: Number(last.seq),
    count: rows.length,
    fromTime: first.occurred_at,
    toTime: last.occurred_at,
    prevHash: first.prev_hash,
    firstHash: first.hash,
    lastHash: last.hash,
    sha256: createHash('sha256').update(body).digest('hex'),
    createdAt: now.toISOString(),
  };
  const manifest: ArchiveManifest = { ...fields, mac: manifestMac(deps.audit.key, fields) };
  // Written under temporary names, then renamed: a crash leaves no half archive under a real name.
  for (const [name, content] of [
    [file, body],
    [`${base}${MANIFEST_SUFFIX}`, Buffer.from(JSON.stringify(manifest, null, 2), 'utf8')],
  ] as const) {
    const temp = path.join(dir, `.${name}.tmp`);
    await writeFile(temp, content, { mode: 0o600 });
    await rename(temp, path.join(dir, name));
  }
  return manifest;
}

type HeadRow = Selectable<AuditHeadTable>;

/**
 * Where and why a batch about to be archived does not hold. Its last events
 * are vouched for only by the next keyed link, so the walk reads on to the
 * next checkpoint (at most one interval), or to the sealed head: the manifest
 * must not seal links that someone without the key could have recomputed.
 */
async function batchBreak(deps: ArchiveDeps, head: HeadRow, rows: Row[]): Promise<Break | undefined> {
  const [headSeq, lastSeq] = [Number(head.seq), Number(rows[rows.length - 1]!.seq)];
  const walker = new ChainWalker({
    nextSeq: Number(head.archived_seq) + 1,
    prevHash: head.archived_hash,
    checked: 0,
    keyedSeq: Number(head.archived_seq),
  });
  const vouchedBy = Math.min(headSeq, Math.ceil(lastSeq / CHECKPOINT_INTERVAL) * CHECKPOINT_INTERVAL);
  const following = await deps.db
    .selectFrom('audit_events')
    .selectAll()
    .where('org_id', '=', head.org_id)
    .where('seq', '>', lastSeq)
    .where('seq', '<=', vouchedBy)
    .orderBy('seq')
    .execute();
  const broke = await breakIn(deps.audit.key, walker, [...rows, ...following]);
  if (broke) return broke;
  const { nextSeq, prevHash, keyedSeq } = walker.state;
  if (keyedSeq >= lastSeq) return undefined;
  const headHolds =
    head.mac === headMac(deps.audit.key, { ...head, seq: headSeq, archived_seq: Number(head.archived_seq) });
  if (headHolds && nextSeq - 1 === headSeq && prevHash === head.hash) return undefined;
  return { seq: keyedSeq + 1, reason: `events ${keyedSeq + 1}..${nextSeq - 1} do not match the sealed head` };
}

export interface ArchiveOutcome {
  readonly events: number;
  readonly files: readonly string[];
}

/**
 * Moves an organisation's events older than its `auditDays` into compressed
 * JSONL files with manifests. A batch is checked before it leaves the table
 * (tampered history is never archived as if it were sound); its rows are
 * deleted, the anchor moved and an `audit.archived` event written in one
 * transaction, after the files are in place.
 */
export async function archiveExpiredEvents(
  deps: ArchiveDeps,
  org: { readonly id: OrgId; readonly retention: { readonly auditDays: number } },
  now: Date,
): Promise<ArchiveOutcome> {
  const cutoff = new Date(now.getTime() - org.retention.auditDays * 86_400_000).toISOString();
  const files: string[] = [];
  let events = 0;
  for (;;) {
    const head = await deps.db.selectFrom('audit_heads').selectAll().where('org_id', '=', org.id).executeTakeFirst();
    if (!head) break;
    const rows = await deps.db
      .selectFrom('audit_events')
      .selectAll()
      .where('org_id', '=', org.id)
      .where('occurred_at', '<', cutoff)
      .where('seq', '<=', head.seq)
      .orderBy('seq')
      .limit(EVENTS_PER_FILE)
      .execute();
    if (rows.length === 0) break;
    const broke = await batchBreak(deps, head, rows);
    if (broke)
      throw new Error(`audit chain of ${org.id} is broken at ${broke.seq}; archiving stopped (run pca audit verify)`);
    const manifest = await writeArchive(deps, org.id, rows, now);
    try {
      await inTransaction(deps.db, async (trx) => {
        await trx
          .deleteFrom('audit_events')
          .where('org_id', '=', org.id)
          .where('seq', '>=', manifest.fromSeq)
          .where('seq', '<=', manifest.toSeq)
          .execute();
        await advanceArchiveAnchor(trx, deps.audit.key, org.id, manifest.toSeq, manifest.lastHash);
        await systemRecorder(deps.audit, 'retention', org.id).record(trx, {
          action: 'audit.archived',
          target: { type: 'audit_archive', id: manifest.file },
          details: {
            fromSeq: manifest.fromSeq,
            toSeq: manifest.toSeq,
            count: manifest.count,
            fromTime: manifest.fromTime,
            toTime: manifest.toTime,
            sha256: manifest.sha256,
          },
        });
      });
    } catch (error) {
      const dir = orgDir(deps.layout.auditArchive, org.id);
      await rm(path.join(dir, manifest.file), { force: true });
      await rm(path.join(dir, manifest.file.replace('.jsonl.gz', MANIFEST_SUFFIX)), { force: true });
      throw error;
    }
    files.push(manifest.file);
    events += manifest.count;
    if (rows.length < EVENTS_PER_FILE) break;
  }
  return { events, files };
}
