import { chmod, mkdir, readdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';

/** Where things live under the data dir; the one place that knows the layout. */
export interface DataDirLayout {
  readonly root: string;
  readonly datasets: string;
  readonly tmp: string;
  readonly secrets: string;
  /** Compressed audit archives and their manifests, one folder per organisation. */
  readonly auditArchive: string;
}

export function dataDirLayout(root: string): DataDirLayout {
  return {
    root,
    datasets: path.join(root, 'datasets'),
    tmp: path.join(root, 'tmp'),
    secrets: path.join(root, 'secrets'),
    auditArchive: path.join(root, 'audit-archive'),
  };
}

/** Creates the data dir and its folders owner-only (0700), tightens existing ones to that, and checks they are directories. */
export async function prepareDataDir(root: string): Promise<DataDirLayout> {
  const layout = dataDirLayout(root);
  for (const dir of [layout.root, layout.datasets, layout.tmp, layout.secrets, layout.auditArchive]) {
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const info = await stat(dir);
    if (!info.isDirectory()) throw new Error(`${dir} exists and is not a directory`);
    // A data dir made by hand or an older version may be open to others: it is fixed, not refused, since only its owner runs the server.
    if ((info.mode & 0o077) !== 0) await chmod(dir, 0o700);
  }
  await tightenTree(layout.root);
  return layout;
}

/** Files and folders an older version or a hand left open to others become owner-only (files 0600, folders 0700). */
async function tightenTree(dir: string): Promise<void> {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isSymbolicLink()) continue;
    const info = await stat(full).catch(() => undefined);
    if (!info) continue;
    if ((info.mode & 0o077) !== 0) await chmod(full, entry.isDirectory() ? 0o700 : 0o600).catch(() => undefined);
    if (entry.isDirectory()) await tightenTree(full);
  }
}

/** Temp work a crash can leave behind: staging folders of uploads and remaps, received uploads, converted sheets. */
const TEMP_WORK = /^(dataset-|remap-|retired-|upload-|sheet-)/;

/**
 * Temp work older than this is abandoned: longer than any upload takes to
 * read. Instances may share the data dir, so younger work may be another's.
 */
export const TEMP_SWEEP_AGE_MS = 15 * 60_000;

/** Removes abandoned temp work; returns how many entries went. Run at start and on the retention schedule. */
export async function sweepTemp(layout: DataDirLayout, now: Date, olderThanMs = TEMP_SWEEP_AGE_MS): Promise<number> {
  let removed = 0;
  for (const name of await readdir(layout.tmp).catch(() => [])) {
    if (!TEMP_WORK.test(name)) continue;
    const entry = path.join(layout.tmp, name);
    const info = await stat(entry).catch(() => undefined);
    if (!info || now.getTime() - info.mtimeMs < olderThanMs) continue;
    await rm(entry, { recursive: true, force: true });
    removed++;
  }
  return removed;
}
