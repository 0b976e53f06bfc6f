/** The public face of insights/: what other folders may import from it (docs/ARCHITECTURE.md, "Who may import whom"). */
export * from './pure.js';
export { insightInput } from './input.js';
export type { DailyBreakdowns } from './input.js';
export { llmSummary } from './llm-summary.js';
export type { CategoryGuidance } from './llm-summary.js';
export { analysisItems, requireItem, storeItems } from './store.js';
export type { StoredItem } from './store.js';
