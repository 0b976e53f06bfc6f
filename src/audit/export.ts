import { PassThrough, Readable } from 'node:stream';
import type { Kysely, Selectable } from 'kysely';
import type { Download } from '../export/download.js';
import { loadExcel, type ExcelModule } from '../export/excel.js';
import { csvField, neutraliseFormula } from '../export/safe-cell.js';
import type { AuditEventTable, Database } from '../store/schema.js';
import { filtered, presentEvent, type EventFilters } from './query.js';
import type { OrgId } from '../ids.js';

export const AUDIT_EXPORT_FORMATS = ['csv', 'xlsx', 'json', 'jsonl'] as const;
export type AuditExportFormat = (typeof AUDIT_EXPORT_FORMATS)[number];

const COLUMNS = [
  'seq',
  'id',
  'occurredAt',
  'actorType',
  'actorId',
  'actorName',
  'actorIp',
  'actorUserAgent',
  'action',
  'targetType',
  'targetId',
  'targetName',
  'outcome',
  'reason',
  'severity',
  'requestId',
  'details',
  'prevHash',
  'hash',
] as const;

type Row = Selectable<AuditEventTable>;
const BATCH = 2_000;

/** Rows in sequence order, a batch at a time: memory stays flat however long the range. */
async function* eventRows(
  db: Kysely<Database>,
  orgId: OrgId,
  filters: EventFilters,
  throughSeq: number,
): AsyncGenerator<Row> {
  let last = 0;
  for (;;) {
    const rows = await filtered(db.selectFrom('audit_events').selectAll().where('org_id', '=', orgId), filters)
      .where('seq', '>', last)
      .where('seq', '<=', throughSeq)
      .orderBy('seq')
      .limit(BATCH)
      .execute();
    for (const row of rows) yield row;
    if (rows.length < BATCH) return;
    last = Number(rows[rows.length - 1]!.seq);
  }
}

function cells(row: Row): (string | number | null)[] {
  return [
    Number(row.seq),
    row.id,
    row.occurred_at,
    row.actor_type,
    row.actor_id,
    row.actor_name,
    row.actor_ip,
    row.actor_user_agent,
    row.action,
    row.target_type,
    row.target_id,
    row.target_name,
    row.outcome,
    row.reason,
    row.severity,
    row.request_id,
    row.details,
    row.prev_hash,
    row.hash,
  ];
}

async function* textChunks(
  rows: AsyncGenerator<Row>,
  format: Exclude<AuditExportFormat, 'xlsx'>,
): AsyncGenerator<string> {
  if (format === 'csv') yield `${COLUMNS.join(',')}\r\n`;
  if (format === 'json') yield '[';
  let first = true;
  let chunk = '';
  for await (const row of rows) {
    if (format === 'csv') chunk += `${cells(row).map(csvField).join(',')}\r\n`;
    else if (format === 'jsonl') chunk += `${JSON.stringify(presentEvent(row))}\n`;
    else {
      chunk += `${first ? '' : ','}\n${JSON.stringify(presentEvent(row))}`;
      first = false;
    }
    if (chunk.length > 64 * 1024) {
      yield chunk;
      chunk = '';
    }
  }
  yield chunk;
  if (format === 'json') yield '\n]\n';
}

function workbookStream(ExcelJS: ExcelModule, rows: AsyncGenerator<Row>): Readable {
  const out = new PassThrough();
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: false, useSharedStrings: false });
  const sheet = workbook.addWorksheet('Audit events');
  sheet.addRow([...COLUMNS]).commit();
  void (async () => {
    for await (const row of rows)
      sheet.addRow(cells(row).map((cell) => (typeof cell === 'string' ? neutraliseFormula(cell) : cell))).commit();
    sheet.commit();
    await workbook.commit();
  })().catch((error: unknown) => out.destroy(error instanceof Error ? error : new Error(String(error))));
  return out;
}

/**
 * Streams the organisation's events as the chain stood when the export began
 * (through its head then); spreadsheet cells are neutralised against formula injection.
 */
export async function exportEvents(
  db: Kysely<Database>,
  orgId: OrgId,
  filters: EventFilters,
  format: AuditExportFormat,
): Promise<Download & { readonly body: Readable }> {
  const head = await db.selectFrom('audit_heads').select('seq').where('org_id', '=', orgId).executeTakeFirst();
  const rows = eventRows(db, orgId, filters, Number(head?.seq ?? 0));
  return {
    format,
    body: format === 'xlsx' ? workbookStream(await loadExcel(), rows) : Readable.from(textChunks(rows, format)),
  };
}
