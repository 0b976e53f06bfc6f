import type { DataDirLayout } from '../store/data-dir.js';
import { loadOrCreateSecret } from '../store/secret-files.js';

/** The chain's HMAC key: `PCA_AUDIT_KEY`, else one generated into the data dir (0600). */
export async function loadAuditKey(configured: string | undefined, layout: DataDirLayout): Promise<Buffer> {
  return configured !== undefined ? Buffer.from(configured, 'utf8') : loadOrCreateSecret(layout, 'audit.key');
}
