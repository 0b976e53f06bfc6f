/** The part of analysis/'s public face that reads files with DuckDB and loads no store or HTTP schema: what `pca analyze` loads (index.ts
 * loads the store layer too: 2–4 s more at start). index.ts re-exports it (docs/ARCHITECTURE.md, "Who may import whom"). */
export { analyzeFiles } from './analyze-files.js';
export type { AnalyzeFilesRequest } from './analyze-files.js';
export { openDuckEngine } from './engine/duckdb.js';
export type { DuckConnection, DuckEngine } from './engine/duckdb.js';
export { previousRange } from './query.js';
export { mdText, renderReport } from './report/render.js';
