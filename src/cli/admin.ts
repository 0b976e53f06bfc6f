import { Command, Option } from 'commander';
import { ROLES } from '../auth/pure.js';

const actions = () => import('./admin-actions.js');

export function adminCommand(): Command {
  const admin = new Command('admin').description(
    'Manage organisations and users directly in the local store (PCA_DATA_DIR or PCA_DATABASE_URL), without a server or an account.',
  );

  const org = admin.command('org').description('Organisations');
  org
    .command('create')
    .description(
      'Create an organisation with default quotas; with --admin, also its first admin (one-time password printed once)',
    )
    .requiredOption('--name <name>', 'display name')
    .option('--slug <slug>', 'login identifier (default: from the name)')
    .option('--admin <username>', 'create a first admin user with this username')
    .action(async (options: { name: string; slug?: string; admin?: string }) => (await actions()).orgCreate(options));
  org
    .command('list')
    .description('List organisations with their status')
    .option('--json', 'print JSON')
    .action(async (options: { json?: boolean }) => (await actions()).orgList(options));

  const user = admin.command('user').description('Users of an organisation');
  const orgOption = () => new Option('--org <slug>', 'organisation slug or id').default('default');
  user
    .command('create')
    .description('Create a user; prints a one-time password that must be changed at first login')
    .addOption(orgOption())
    .requiredOption('--username <username>', 'login name')
    .addOption(new Option('--role <role>', 'role').choices([...ROLES]).makeOptionMandatory())
    .option('--email <email>', 'email address')
    .action(async (options: { org: string; username: string; role: string; email?: string }) =>
      (await actions()).userCreate(options),
    );
  user
    .command('list')
    .description('List the users of an organisation')
    .addOption(orgOption())
    .option('--json', 'print JSON')
    .action(async (options: { org: string; json?: boolean }) => (await actions()).userList(options));
  user
    .command('deactivate')
    .description('Deactivate a user; their sessions end at once')
    .addOption(orgOption())
    .argument('<username>')
    .action(async (username: string, options: { org: string }) => (await actions()).userDeactivate(username, options));
  user
    .command('reset-password')
    .description('Issue a one-time password (must be changed at next login); ends sessions and clears a lockout')
    .addOption(orgOption())
    .argument('<username>')
    .action(async (username: string, options: { org: string }) =>
      (await actions()).userResetPassword(username, options),
    );
  return admin;
}

export function retentionCommand(): Command {
  const retention = new Command('retention').description('Data retention by each organisation’s retention settings');
  retention
    .command('run')
    .description('Remove what is older than each organisation keeps, now (the server also does this on a schedule)')
    .action(async () => (await actions()).retentionRun());
  return retention;
}
