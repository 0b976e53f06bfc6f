import { systemRecorder } from '../audit/index.js';
import {
  isRole,
  CONSOLE_MANAGER,
  createUser,
  findUserIdByUsername,
  listUsers,
  resetPassword,
  setUserStatus,
} from '../auth/index.js';
import type { OpenContext } from '../runtime.js';
import { AppError } from '../errors.js';
import {
  createOrganization,
  getOrganization,
  getOrganizationBySlug,
  listOrganizations,
  type Organization,
} from '../tenancy/index.js';
import { runRetention } from '../commands/retention.js';
import { withLocalContext } from './context.js';
import type { UserId } from '../ids.js';

async function findOrg(ctx: OpenContext, slugOrId: string): Promise<Organization> {
  const org = (await getOrganizationBySlug(ctx.store.db, slugOrId)) ?? (await getOrganization(ctx.store.db, slugOrId));
  if (!org) throw new Error(`no organisation "${slugOrId}"`);
  return org;
}

async function findUserId(ctx: OpenContext, org: Organization, username: string): Promise<UserId> {
  const id = await findUserIdByUsername(ctx.store.db, org.id, username);
  if (id === undefined) throw new Error(`no user "${username}" in organisation "${org.slug}"`);
  return id;
}

/** Service errors read as one plain line on the console. */
function plain<T>(work: () => Promise<T>): Promise<T> {
  return work().catch((error: unknown) => {
    if (error instanceof AppError) throw new Error(error.message);
    throw error;
  });
}

async function allOrganizations(ctx: OpenContext): Promise<Organization[]> {
  const out: Organization[] = [];
  let cursor: string | undefined;
  do {
    const page = await listOrganizations(ctx.store.db, { limit: 200, ...(cursor ? { cursor } : {}) });
    out.push(...page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return out;
}

export const orgCreate = (options: { name: string; slug?: string; admin?: string }) =>
  withLocalContext((ctx) =>
    plain(async () => {
      const audit = systemRecorder(ctx.audit, 'cli');
      const created = await createOrganization(
        ctx.auth,
        { name: options.name, ...(options.slug ? { slug: options.slug } : {}) },
        audit,
      );
      process.stdout.write(`created organisation ${created.slug} (${created.id})\n`);
      if (options.admin) {
        const user = await createUser(ctx.auth, created.id, { username: options.admin, role: 'admin' }, audit);
        process.stdout.write(`created admin ${user.user.username}; one-time password: ${user.oneTimePassword}\n`);
      }
    }),
  );

export const orgList = (options: { json?: boolean }) =>
  withLocalContext(async (ctx) => {
    const orgs = await allOrganizations(ctx);
    if (options.json) {
      process.stdout.write(`${JSON.stringify(orgs, null, 2)}\n`);
      return;
    }
    for (const item of orgs)
      process.stdout.write(`${item.slug.padEnd(24)} ${item.status.padEnd(10)} ${item.id}  ${item.name}\n`);
  });

export const userCreate = (options: { org: string; username: string; role: string; email?: string }) =>
  withLocalContext((ctx) =>
    plain(async () => {
      if (!isRole(options.role)) throw new Error(`unknown role ${options.role}`);
      const target = await findOrg(ctx, options.org);
      const created = await createUser(
        ctx.auth,
        target.id,
        { username: options.username, role: options.role, email: options.email ?? null },
        systemRecorder(ctx.audit, 'cli'),
      );
      process.stdout.write(
        `created ${created.user.username} (${created.user.id}) in ${target.slug}; one-time password: ${created.oneTimePassword}\n`,
      );
    }),
  );

export const userList = (options: { org: string; json?: boolean }) =>
  withLocalContext(async (ctx) => {
    const target = await findOrg(ctx, options.org);
    const users = [];
    let cursor: string | undefined;
    do {
      const page = await listUsers(ctx.store.db, target.id, { limit: 200, ...(cursor ? { cursor } : {}) });
      users.push(...page.items);
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    if (options.json) {
      process.stdout.write(`${JSON.stringify(users, null, 2)}\n`);
      return;
    }
    for (const item of users) {
      process.stdout.write(`${item.username.padEnd(24)} ${item.role.padEnd(9)} ${item.status.padEnd(12)} ${item.id}\n`);
    }
  });

export const userDeactivate = (username: string, options: { org: string }) =>
  withLocalContext((ctx) =>
    plain(async () => {
      const target = await findOrg(ctx, options.org);
      const updated = await setUserStatus(
        ctx.auth,
        target.id,
        CONSOLE_MANAGER,
        await findUserId(ctx, target, username),
        'deactivated',
        systemRecorder(ctx.audit, 'cli', target.id),
      );
      process.stdout.write(`deactivated ${updated.username} in ${target.slug}\n`);
    }),
  );

export const userResetPassword = (username: string, options: { org: string }) =>
  withLocalContext((ctx) =>
    plain(async () => {
      const target = await findOrg(ctx, options.org);
      const reset = await resetPassword(
        ctx.auth,
        target.id,
        CONSOLE_MANAGER,
        await findUserId(ctx, target, username),
        systemRecorder(ctx.audit, 'cli', target.id),
      );
      process.stdout.write(
        `reset ${reset.user.username} in ${target.slug}; one-time password: ${reset.oneTimePassword}\n`,
      );
    }),
  );

export const retentionRun = () =>
  withLocalContext(async (ctx) => {
    const report = await runRetention(
      { db: ctx.store.db, layout: ctx.layout, duck: ctx.duck, audit: ctx.audit },
      ctx.clock(),
    );
    process.stdout.write(`${JSON.stringify(report)}\n`);
  });
