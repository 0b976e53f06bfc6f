/** The public face of auth/: what other folders may import from it (docs/ARCHITECTURE.md, "Who may import whom"). */
export * from './pure.js';
export { revokeOrganizationApiKeys } from './api-keys.js';
export { loadAuthKeys } from './auth-deps.js';
export type { AuthDeps } from './auth-deps.js';
export { authenticate, knownPrincipal } from './authenticate.js';
export { ensureOperator, platformOrganizationId } from './bootstrap.js';
export type { BootstrapResult } from './bootstrap.js';
export { CONSOLE_MANAGER } from './management.js';
export type { Principal } from './principal.js';
export { Email } from './schemas.js';
export type { SecretBox } from './secret-box.js';
export { purgeEndedSessions, revokeOrganizationSessions } from './sessions.js';
export { bearerChallenge, diagnoseBearer } from './token-diagnosis.js';
export {
  countActiveUsers,
  createUser,
  findUserIdByUsername,
  getUser,
  listUsers,
  resetPassword,
  setUserStatus,
  USERNAME_PATTERN,
} from './users.js';
