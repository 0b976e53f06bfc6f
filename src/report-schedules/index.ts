/** The public face of report-schedules/: what other folders may import from it (docs/ARCHITECTURE.md, "Who may import whom"). */
export { MailError, smtpMailer } from './mailer.js';
export type { Mailer } from './mailer.js';
export { claimSchedule, dueSchedules, finishRun, presentSchedule, settleSchedule, startRun } from './schedules.js';
export type { Run, Schedule } from './schedules.js';
