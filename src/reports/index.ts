/** The public face of reports/: what other folders may import from it (docs/ARCHITECTURE.md, "Who may import whom"). */
export * from './offline.js';
export { brandingOf } from './content.js';
export { createDeckPool, pooledRenderer } from './deck-pool.js';
export type { DeckPool } from './deck-pool.js';
export { EXPORT_FORMATS, exportReport } from './export.js';
export type { DeckRenderer, ExportFormat } from './export.js';
