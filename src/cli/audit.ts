import { Command } from 'commander';

const actions = () => import('./audit-actions.js');

export function auditCommand(): Command {
  const audit = new Command('audit').description('The tamper-evident audit trail');
  audit
    .command('verify')
    .description("Verify each organisation's hash chain (exit 1 when any is broken)")
    .option('--org <slug-or-id>', 'only this organisation')
    .option('--archives', 'check the archive files too, and that the chain runs through them')
    .option('--json', 'print the results as JSON')
    .action(async (options: { org?: string; archives?: boolean; json?: boolean }) =>
      (await actions()).auditVerify(options),
    );
  audit
    .command('archive')
    .description('Move events older than each organisation keeps (auditDays) into compressed archive files, now')
    .option('--org <slug-or-id>', 'only this organisation')
    .action(async (options: { org?: string }) => (await actions()).auditArchive(options));
  return audit;
}
