import { randomBytes } from 'node:crypto';
import { chmod, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { DataDirLayout } from './data-dir.js';

/**
 * Reads a secret kept in the data dir, creating it (mode 0600) on first use.
 * Creation is exclusive, so instances sharing a data volume agree on one value.
 */
export async function loadOrCreateSecret(layout: DataDirLayout, name: string, bytes = 32): Promise<Buffer> {
  const file = path.join(layout.secrets, name);
  try {
    await writeFile(file, randomBytes(bytes).toString('base64'), { flag: 'wx', mode: 0o600 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  await chmod(file, 0o600);
  const value = Buffer.from((await readFile(file, 'utf8')).trim(), 'base64');
  if (value.length < bytes) throw new Error(`secret file ${file} is shorter than ${bytes} bytes`);
  return value;
}
