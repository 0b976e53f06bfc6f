/** The part of auth/'s public face that loads no store, password hashing or HTTP schema: the roles, for
 * commands that only name them (the CLI's argument parsing) (docs/ARCHITECTURE.md, "Who may import whom"). */
export { isRole, ROLES } from './permissions.js';
export type { Permission } from './permissions.js';
