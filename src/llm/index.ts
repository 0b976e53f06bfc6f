export { askModel } from './client.js';
