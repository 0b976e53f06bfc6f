/** The public face of feedback/: what other folders may import from it (docs/ARCHITECTURE.md, "Who may import whom"). */
export { categoryGuidance, feedbackContext } from './stats.js';
