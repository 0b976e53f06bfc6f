import { sql, type Kysely } from 'kysely';
import { loadExcel } from '../export/excel.js';
import { csvField, neutraliseFormula } from '../export/safe-cell.js';
import type { Database } from '../store/schema.js';
import type { AuditAction } from './catalog.js';
import { filtered } from './query.js';
import type { OrgId } from '../ids.js';

/** Actions a security review looks at first. */
export const SECURITY_ACTIONS: readonly AuditAction[] = [
  'auth.login.failed',
  'auth.account.locked',
  'auth.refresh_token.reused',
  'auth.mfa.disabled',
  'access.denied',
  'access.not_found',
  'feature.denied',
  'security.alert',
  'audit.chain_broken',
];
const USER_CHANGES: readonly AuditAction[] = [
  'user.created',
  'user.updated',
  'user.deactivated',
  'user.reactivated',
  'auth.password.reset',
];
const PERMISSION_CHANGES: readonly AuditAction[] = ['user.role_changed', 'api_key.created', 'api_key.revoked'];
const EXPORTS: readonly AuditAction[] = ['analysis.exported', 'audit.exported'];

export interface ComplianceReport {
  readonly orgId: OrgId;
  readonly from: string;
  readonly to: string;
  readonly generatedAt: string;
  readonly totalEvents: number;
  readonly byAction: Record<string, number>;
  readonly bySeverity: Record<string, number>;
  readonly byOutcome: Record<string, number>;
  readonly uniqueActors: number;
  readonly failedLogins: number;
  readonly lockouts: number;
  readonly securityEvents: number;
  readonly criticalEvents: number;
  readonly crossTenantProbes: number;
  readonly uploads: number;
  readonly exports: number;
  readonly userChanges: Record<string, number>;
  readonly permissionChanges: Record<string, number>;
  /** UTC hour of day (0-23) -> events. */
  readonly activityByHour: number[];
  readonly mostActiveActors: { type: string; id: string | null; name: string | null; events: number }[];
}

const pick = (counts: Record<string, number>, actions: readonly string[]) =>
  Object.fromEntries(actions.map((action) => [action, counts[action] ?? 0]));
const sum = (counts: Record<string, number>, actions: readonly string[]) =>
  actions.reduce((total, action) => total + (counts[action] ?? 0), 0);

/** The figures a compliance review asks for, over [from, to), computed in the store. */
export async function complianceReport(
  db: Kysely<Database>,
  orgId: OrgId,
  range: { from: string; to: string },
  now: Date,
): Promise<ComplianceReport> {
  const scope = () => filtered(db.selectFrom('audit_events').where('org_id', '=', orgId), range);
  const countBy = async (column: 'action' | 'severity' | 'outcome'): Promise<Record<string, number>> => {
    const rows = await scope()
      .select([column, (eb) => eb.fn.countAll<number>().as('n')])
      .groupBy(column)
      .execute();
    return Object.fromEntries(rows.map((row) => [String(row[column]), Number(row.n)]));
  };
  const [byAction, bySeverity, byOutcome] = await Promise.all([
    countBy('action'),
    countBy('severity'),
    countBy('outcome'),
  ]);
  const actors = await scope()
    .select((eb) => eb.fn.count<number>('actor_id').distinct().as('n'))
    .executeTakeFirstOrThrow();
  const hours = await scope()
    .select([sql<string>`substr(occurred_at, 12, 2)`.as('hour'), (eb) => eb.fn.countAll<number>().as('n')])
    .groupBy(sql`substr(occurred_at, 12, 2)`)
    .execute();
  const activityByHour = Array.from({ length: 24 }, () => 0);
  for (const row of hours) activityByHour[Number(row.hour)] = Number(row.n);
  const top = await scope()
    .select([
      'actor_type',
      'actor_id',
      (eb) => eb.fn.max('actor_name').as('actor_name'),
      (eb) => eb.fn.countAll<number>().as('n'),
    ])
    .groupBy(['actor_type', 'actor_id'])
    .orderBy('n', 'desc')
    .orderBy('actor_id')
    .limit(10)
    .execute();
  const probes = await scope()
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('action', '=', 'access.not_found')
    .where('outcome', '=', 'denied')
    .executeTakeFirstOrThrow();
  return {
    orgId,
    from: range.from,
    to: range.to,
    generatedAt: now.toISOString(),
    totalEvents: Object.values(byAction).reduce((total, n) => total + n, 0),
    byAction,
    bySeverity,
    byOutcome,
    uniqueActors: Number(actors.n),
    failedLogins: byAction['auth.login.failed'] ?? 0,
    lockouts: byAction['auth.account.locked'] ?? 0,
    securityEvents: sum(byAction, SECURITY_ACTIONS),
    criticalEvents: bySeverity.critical ?? 0,
    crossTenantProbes: Number(probes.n),
    uploads: byAction['dataset.uploaded'] ?? 0,
    exports: sum(byAction, EXPORTS),
    userChanges: pick(byAction, USER_CHANGES),
    permissionChanges: pick(byAction, PERMISSION_CHANGES),
    activityByHour,
    mostActiveActors: top.map((row) => ({
      type: row.actor_type,
      id: row.actor_id,
      name: row.actor_name,
      events: Number(row.n),
    })),
  };
}

/** The report as rows of (section, key, value): one shape for CSV and the workbook. */
function reportRows(report: ComplianceReport): [string, string, string | number | null][] {
  const rows: [string, string, string | number | null][] = [
    ['period', 'from', report.from],
    ['period', 'to', report.to],
    ['period', 'generatedAt', report.generatedAt],
  ];
  for (const key of [
    'totalEvents',
    'uniqueActors',
    'failedLogins',
    'lockouts',
    'securityEvents',
    'criticalEvents',
    'crossTenantProbes',
    'uploads',
    'exports',
  ] as const) {
    rows.push(['summary', key, report[key]]);
  }
  const sections = {
    byAction: report.byAction,
    bySeverity: report.bySeverity,
    byOutcome: report.byOutcome,
    userChanges: report.userChanges,
    permissionChanges: report.permissionChanges,
  };
  for (const [section, counts] of Object.entries(sections))
    for (const [key, value] of Object.entries(counts)) rows.push([section, key, value]);
  report.activityByHour.forEach((count, hour) =>
    rows.push(['activityByHour', `${String(hour).padStart(2, '0')}:00`, count]),
  );
  for (const actor of report.mostActiveActors)
    rows.push(['mostActiveActors', `${actor.type}:${actor.name ?? actor.id ?? 'anonymous'}`, actor.events]);
  return rows;
}

export function reportCsv(report: ComplianceReport): string {
  return ['section,key,value', ...reportRows(report).map((row) => row.map(csvField).join(','))].join('\r\n') + '\r\n';
}

export async function reportXlsx(report: ComplianceReport): Promise<Buffer> {
  const ExcelJS = await loadExcel();
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('Audit report');
  sheet.addRow(['Section', 'Key', 'Value']).font = { bold: true };
  for (const [section, key, value] of reportRows(report))
    sheet.addRow([section, neutraliseFormula(key), typeof value === 'string' ? neutraliseFormula(value) : value]);
  sheet.columns.forEach((column) => (column.width = 28));
  return Buffer.from(await workbook.xlsx.writeBuffer());
}
