/** The public face of llm/: what other folders may import from it (docs/ARCHITECTURE.md, "Who may import whom"). */
export { askModel } from './client.js';
