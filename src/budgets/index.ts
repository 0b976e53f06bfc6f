/** The public face of budgets/: what other folders may import from it (docs/ARCHITECTURE.md, "Who may import whom"). */
export { listBudgets } from './budgets.js';
