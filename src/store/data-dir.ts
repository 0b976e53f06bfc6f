import { mkdir, stat } from 'node:fs/promises';
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

/** Creates the data dir and its folders, owner-only (0700), and checks it is a directory. */
export async function prepareDataDir(root: string): Promise<DataDirLayout> {
  const layout = dataDirLayout(root);
  for (const dir of [layout.root, layout.datasets, layout.tmp, layout.secrets, layout.auditArchive]) {
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const info = await stat(dir);
    if (!info.isDirectory()) throw new Error(`${dir} exists and is not a directory`);
  }
  return layout;
}
