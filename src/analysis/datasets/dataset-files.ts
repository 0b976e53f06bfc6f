import { rm } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Who reads which dataset file in this process. A remap or delete switches
 * the store first; the files it replaced are removed only once no query of
 * this process holds them, and not before a grace period that covers a query
 * of another instance between resolving the path and opening the file.
 */
const holders = new Map<string, number>();

export const RETIRE_GRACE_MS = 5_000;

/** Marks files as read until the returned function is called. */
export function holdFiles(files: readonly string[]): () => void {
  for (const file of files) holders.set(file, (holders.get(file) ?? 0) + 1);
  let released = false;
  return () => {
    if (released) return;
    released = true;
    for (const file of files) {
      const count = (holders.get(file) ?? 1) - 1;
      if (count > 0) holders.set(file, count);
      else holders.delete(file);
    }
  };
}

/** Whether any held file is `target` or lies under it. */
function isHeld(target: string): boolean {
  for (const file of holders.keys()) if (file === target || file.startsWith(`${target}/`)) return true;
  return false;
}

/** Removes a file or folder once no reader holds it; returns when it is gone (callers need not wait). */
export async function retireWhenFree(target: string, graceMs = RETIRE_GRACE_MS): Promise<void> {
  await sleep(graceMs, undefined, { ref: false });
  while (isHeld(target)) await sleep(100, undefined, { ref: false });
  await rm(target, { recursive: true, force: true });
}
