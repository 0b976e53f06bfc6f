/** Every permission the product checks. Routes name one; roles grant sets of them. */
export const PERMISSIONS = [
  'analyses:read',
  'analyses:create',
  'analyses:delete',
  'datasets:upload',
  'datasets:delete',
  'data:export',
  'users:manage',
  'org:settings',
  'audit:read',
  'feedback:write',
  'feedback:read',
  'alerts:manage',
  'monitoring:read',
  'api_keys:manage',
  'platform:orgs',
  'platform:monitoring',
  'reports:manage',
] as const;

export type Permission = (typeof PERMISSIONS)[number];

export const ROLES = ['admin', 'analyst', 'viewer', 'api_user', 'auditor'] as const;
export type Role = (typeof ROLES)[number];

/**
 * The one table of who may do what. The `platform:*` permissions belong to no
 * role: only the operator has them (OPERATOR_PERMISSIONS). Every permission a
 * role holds opens at least one route to it (the access-matrix test checks).
 */
export const ROLE_PERMISSIONS: Readonly<Record<Role, readonly Permission[]>> = {
  // An organisation's admin holds every permission but the operator's.
  admin: PERMISSIONS.filter((permission) => !permission.startsWith('platform:')),
  analyst: [
    'analyses:read',
    'analyses:create',
    'analyses:delete',
    'datasets:upload',
    'datasets:delete',
    'data:export',
    'feedback:write',
    'feedback:read',
    'reports:manage',
  ],
  viewer: ['analyses:read', 'feedback:write'],
  api_user: ['analyses:read', 'analyses:create', 'datasets:upload', 'data:export', 'api_keys:manage'],
  // Rating an insight needs reading it (routes check analyses:read too): an auditor reads the trail only.
  auditor: ['audit:read'],
};

export const ROLE_DESCRIPTIONS: Readonly<Record<Role, string>> = {
  admin:
    'Runs the organisation: users, settings, API keys, budgets, report schedules, its own alerts and request statistics, audit, and all analysis work.',
  analyst:
    'Uploads data, creates, exports and deletes analyses, schedules report deliveries, reads feedback analytics.',
  viewer: 'Reads analyses and rates insights.',
  api_user: 'An integration account: uploads and analyses through API keys.',
  auditor: 'Reads the audit trail and nothing else that is sensitive.',
};

/** The operator's on top of its role: organisations, and the instance's monitoring (system, health, instance alert rules, every organisation's requests). */
export const OPERATOR_PERMISSIONS: readonly Permission[] = ['platform:orgs', 'platform:monitoring'];

export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}

export function isPermission(value: string): value is Permission {
  return (PERMISSIONS as readonly string[]).includes(value);
}

export function permissionsOf(role: Role, isOperator: boolean): ReadonlySet<Permission> {
  return new Set([...ROLE_PERMISSIONS[role], ...(isOperator ? OPERATOR_PERMISSIONS : [])]);
}
