import { AppError } from '../errors.js';
import { PERMISSIONS, permissionsOf, type Permission, type Role } from './permissions.js';

/** Who acts on another user: their id and what they may do right now. */
export interface Manager {
  readonly userId: string;
  readonly permissions: ReadonlySet<Permission>;
}

/** The host's own console (`pca admin`): whoever runs it holds the instance already. */
export const CONSOLE_MANAGER: Manager = { userId: 'console', permissions: new Set(PERMISSIONS) };

/**
 * Nobody acts on a user who holds a permission they lack (so an
 * organisation's admin cannot take over the operator), nor hands out a role
 * that grants more than they hold.
 */
export function assertMayManage(
  manager: Manager,
  target: { role: string; is_operator: number },
  what: string,
  newRole?: Role,
): void {
  const held = permissionsOf(target.role as Role, target.is_operator === 1);
  const granted = newRole === undefined ? [] : [...permissionsOf(newRole, target.is_operator === 1)];
  const missing = [...new Set([...held, ...granted])].filter((permission) => !manager.permissions.has(permission));
  if (missing.length === 0) return;
  if (target.is_operator === 1 && !manager.permissions.has('platform:orgs')) {
    throw new AppError('forbidden', `Only the platform operator may ${what} the operator account.`, { missing });
  }
  throw new AppError('forbidden', `You may not ${what} a user holding permissions you lack: ${missing.join(', ')}.`, {
    missing,
  });
}
