export { categoryGuidance, feedbackContext } from './stats.js';
