import type { Kysely, Selectable } from 'kysely';
import { changesBetween, type AuditRecorder } from '../audit/index.js';
import { AppError, type FieldError } from '../errors.js';
import { newId, type OrgId, type UserId } from '../ids.js';
import type { BudgetFlight, BudgetScope } from '../insights/index.js';
import type { BudgetTable, Database } from '../store/schema.js';
import { inTransaction } from '../store/transactions.js';

export interface Budget extends BudgetFlight {
  readonly createdBy: string;
  readonly createdAt: string;
}

export interface BudgetInput {
  readonly scope: BudgetScope;
  readonly name: string;
  readonly amount: number;
  readonly currency?: string | null;
  readonly startDate: string;
  readonly endDate: string;
}

/** Budgets an organisation may hold: plenty for an agency, bounded for the store. */
export const MAX_BUDGETS = 5_000;

export function presentBudget(row: Selectable<BudgetTable>): Budget {
  return {
    id: row.id,
    scope: row.scope as BudgetScope,
    name: row.name,
    amount: row.amount,
    currency: row.currency,
    startDate: row.start_date,
    endDate: row.end_date,
    createdBy: row.created_by,
    createdAt: row.created_at,
  };
}

const isDate = (text: string) =>
  /^\d{4}-\d{2}-\d{2}$/.test(text) &&
  !Number.isNaN(Date.parse(`${text}T00:00:00Z`)) &&
  new Date(`${text}T00:00:00Z`).toISOString().startsWith(text);

/** The problems of one budget, as field errors under `prefix`. */
export function budgetProblems(input: BudgetInput, prefix: string): FieldError[] {
  const errors: FieldError[] = [];
  if (input.scope !== 'campaign' && input.scope !== 'platform')
    errors.push({ field: `${prefix}/scope`, message: 'must be campaign or platform' });
  if (input.name.trim() === '' || input.name.length > 200)
    errors.push({ field: `${prefix}/name`, message: 'must be 1-200 characters' });
  if (!Number.isFinite(input.amount) || input.amount <= 0)
    errors.push({ field: `${prefix}/amount`, message: 'must be a positive number' });
  if (input.currency !== undefined && input.currency !== null && !/^[A-Z]{3}$/.test(input.currency))
    errors.push({ field: `${prefix}/currency`, message: 'must be a three-letter code' });
  if (!isDate(input.startDate)) errors.push({ field: `${prefix}/startDate`, message: 'must be a date YYYY-MM-DD' });
  if (!isDate(input.endDate)) errors.push({ field: `${prefix}/endDate`, message: 'must be a date YYYY-MM-DD' });
  else if (isDate(input.startDate) && input.endDate < input.startDate)
    errors.push({ field: `${prefix}/endDate`, message: 'must not be before startDate' });
  return errors;
}

/** Adds budgets all together or not at all, with one audit event. */
export async function addBudgets(
  db: Kysely<Database>,
  owner: { orgId: OrgId; userId: UserId },
  inputs: readonly BudgetInput[],
  now: Date,
  audit: AuditRecorder,
  source: 'api' | 'csv',
): Promise<Budget[]> {
  const errors = inputs.flatMap((input, index) =>
    budgetProblems(input, inputs.length === 1 && source === 'api' ? '/body' : `/rows/${index + 1}`),
  );
  if (errors.length > 0)
    throw new AppError('validation', 'Some budgets are not valid; nothing was stored.', {}, errors);
  const rows = inputs.map((input) => ({
    id: newId('bud'),
    org_id: owner.orgId,
    scope: input.scope,
    name: input.name.trim(),
    amount: input.amount,
    currency: input.currency ?? null,
    start_date: input.startDate,
    end_date: input.endDate,
    created_by: owner.userId,
    created_at: now.toISOString(),
  }));
  return inTransaction(db, async (trx) => {
    const count = await trx
      .selectFrom('budgets')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('org_id', '=', owner.orgId)
      .executeTakeFirstOrThrow();
    if (Number(count.n) + rows.length > MAX_BUDGETS)
      throw new AppError('conflict', `An organisation holds at most ${MAX_BUDGETS} budgets.`);
    for (let start = 0; start < rows.length; start += 100)
      await trx
        .insertInto('budgets')
        .values(rows.slice(start, start + 100))
        .execute();
    await audit.record(trx, {
      action: 'budget.created',
      target:
        rows.length === 1
          ? { type: 'budget', id: rows[0]!.id, name: rows[0]!.name }
          : { type: 'budget', id: null, name: `${rows.length} budgets` },
      details: { source, count: rows.length, total: rows.reduce((sum, row) => sum + row.amount, 0) },
    });
    return rows.map(presentBudget);
  });
}

export async function listBudgets(db: Kysely<Database>, orgId: OrgId): Promise<Budget[]> {
  return (
    await db
      .selectFrom('budgets')
      .selectAll()
      .where('org_id', '=', orgId)
      .orderBy('start_date')
      .orderBy('name')
      .orderBy('id')
      .execute()
  ).map(presentBudget);
}

/** Replaces a budget's fields; another organisation's budget is "not found". */
export async function updateBudget(
  db: Kysely<Database>,
  orgId: OrgId,
  id: string,
  input: BudgetInput,
  audit: AuditRecorder,
): Promise<Budget> {
  const errors = budgetProblems(input, '/body');
  if (errors.length > 0) throw new AppError('validation', 'The budget is not valid; nothing was changed.', {}, errors);
  return inTransaction(db, async (trx) => {
    const row = await trx
      .selectFrom('budgets')
      .selectAll()
      .where('id', '=', id)
      .where('org_id', '=', orgId)
      .executeTakeFirst();
    if (!row) throw new AppError('not-found', 'No such budget.');
    const before = presentBudget(row);
    const values = {
      scope: input.scope,
      name: input.name.trim(),
      amount: input.amount,
      currency: input.currency ?? null,
      start_date: input.startDate,
      end_date: input.endDate,
    };
    await trx.updateTable('budgets').set(values).where('id', '=', id).execute();
    const after = presentBudget({ ...row, ...values });
    await audit.record(trx, {
      action: 'budget.updated',
      target: { type: 'budget', id, name: after.name },
      details: {
        changes: changesBetween(before, after, ['scope', 'name', 'amount', 'currency', 'startDate', 'endDate']),
      },
    });
    return after;
  });
}

export async function deleteBudget(
  db: Kysely<Database>,
  orgId: OrgId,
  id: string,
  audit: AuditRecorder,
): Promise<void> {
  await inTransaction(db, async (trx) => {
    const row = await trx
      .selectFrom('budgets')
      .selectAll()
      .where('id', '=', id)
      .where('org_id', '=', orgId)
      .executeTakeFirst();
    if (!row) throw new AppError('not-found', 'No such budget.');
    await trx.deleteFrom('budgets').where('id', '=', id).execute();
    await audit.record(trx, {
      action: 'budget.deleted',
      target: { type: 'budget', id, name: row.name },
      details: { amount: row.amount, startDate: row.start_date, endDate: row.end_date },
    });
  });
}
