/** The part of reports/'s public face that draws a deck or a workbook from content in hand and loads no store: what `pca analyze`
 * loads. index.ts re-exports it (docs/ARCHITECTURE.md, "Who may import whom"). */
export type { AnalysisContent } from './content.js';
export { renderDeck } from './render.js';
export { reportWorkbook } from './xlsx-report.js';
