export { listBudgets } from './budgets.js';
