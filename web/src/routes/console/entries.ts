/**
 * The console's pages and the permission each needs: the server's 403 is the
 * authority; this only keeps a page that would be refused out of the menu.
 */
export const CONSOLE_ENTRIES = [
  { to: '/console/users', label: 'Users', permission: 'users:manage' },
  { to: '/console/api-keys', label: 'API keys', permission: 'api_keys:manage', feature: 'api_access' },
  { to: '/console/settings', label: 'Settings', permission: 'org:settings' },
  { to: '/console/budgets', label: 'Budgets', permission: 'analyses:create' },
  { to: '/console/reports', label: 'Scheduled reports', permission: 'reports:manage', feature: 'exports' },
  { to: '/console/organisations', label: 'Organisations', permission: 'platform:orgs' },
  { to: '/console/audit', label: 'Audit trail', permission: 'audit:read' },
  { to: '/console/monitoring', label: 'Monitoring', permission: 'platform:monitoring' },
  { to: '/console/alerts', label: 'Alerts', permission: 'monitoring:read' },
  { to: '/console/feedback', label: 'Feedback', permission: 'feedback:read' },
] as const;

export type ConsoleEntry = (typeof CONSOLE_ENTRIES)[number];

interface Grants {
  readonly permissions: readonly string[];
  readonly features: Readonly<Record<string, boolean>>;
}

export function consoleEntriesFor(me: Grants | undefined): ConsoleEntry[] {
  if (!me) return [];
  return CONSOLE_ENTRIES.filter(
    (entry) =>
      me.permissions.includes(entry.permission) && (!('feature' in entry) || me.features[entry.feature] === true),
  );
}
