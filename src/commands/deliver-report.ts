import { buffer } from 'node:stream/consumers';
import type { Log } from '../runtime/log.js';
import { createAnalysis, type AnalysisDeps } from './create-analysis.js';
import { withAudit, type AuditRecorder } from '../audit/index.js';
import type { SecretBox } from '../auth/index.js';
import type { LlmConfig } from '../config.js';
import type { AppContext } from '../context.js';
import { AppError, isAppError } from '../errors.js';
import { MEDIA_TYPES, type Download } from '../export/download.js';
import { postToChannel, type EgressPolicy } from '../monitoring/index.js';
import { MailError, type Mailer, finishRun, startRun, type Run, type Schedule } from '../report-schedules/index.js';
import { requireOrganization } from '../tenancy/index.js';
import { exportAnalysis } from './export-analysis.js';
import { type DeckRenderer, pooledRenderer } from '../reports/index.js';
import type { OrgId, UserId } from '../ids.js';

/** What delivering a scheduled report needs: the analysis path, the mail server and the webhook rules. */
export interface ReportDeliveryDeps {
  readonly analysis: AnalysisDeps;
  readonly llm: LlmConfig | undefined;
  /** Absent when the operator configured no mail server. */
  readonly mailer: Mailer | undefined;
  readonly webhook: { readonly box: SecretBox; readonly egress: EgressPolicy; readonly timeoutMs: number };
  /** Runs an organisation's analysis inside its per-instance concurrency limit. */
  readonly limit: <T>(orgId: OrgId, work: () => Promise<T>) => Promise<T>;
  readonly log: Pick<Log, 'error'>;
  /** Draws PDF and PPTX decks off the event loop. */
  readonly renderDeck: DeckRenderer;
}

/** The delivery dependencies of a running instance. */
export function reportDeliveryDeps(ctx: AppContext, log: ReportDeliveryDeps['log']): ReportDeliveryDeps {
  return {
    analysis: {
      db: ctx.store.db,
      duck: ctx.duck,
      layout: ctx.layout,
      clock: ctx.clock,
      pool: ctx.analysisPool,
      cache: ctx.analysisCache,
    },
    llm: ctx.config.llm,
    mailer: ctx.mailer,
    webhook: {
      box: ctx.auth.box,
      egress: { allowPrivate: ctx.config.monitoring.webhookAllowPrivate },
      timeoutMs: 30_000,
    },
    limit: (orgId, work) => ctx.orgLimits.analyses.run(orgId, work),
    log,
    renderDeck: pooledRenderer(ctx.deckPool),
  };
}

export interface RunRequest {
  readonly trigger: Run['trigger'];
  /** Whose analysis it is: the schedule's creator, or whoever ran it by hand. */
  readonly userId: UserId;
  /** When this attempt was due (a scheduled slot or its retry); null for a run by hand. */
  readonly scheduledFor: string | null;
  readonly attempt: number;
  /** A failure now is the last attempt: recorded as `failed`, not `retrying`. */
  readonly final: boolean;
  /** The analysis an earlier attempt of the same slot made: retries deliver it rather than analyse again. */
  readonly reuseAnalysisId: string | null;
}

export interface RunResult {
  readonly run: Run;
  readonly analysisId: string | null;
}

/** A destination that did not take the report, in words safe to keep. */
class DeliveryError extends Error {
  override readonly name = 'DeliveryError';
}

async function bytesOf(body: Download['body']): Promise<Buffer> {
  if (typeof body === 'string') return Buffer.from(body, 'utf8');
  if (Buffer.isBuffer(body)) return body;
  return buffer(body);
}

/** The run history keeps our own words only: never a target's reply or an unexpected exception's text. */
function reasonOf(error: unknown, log: ReportDeliveryDeps['log']): string {
  if (isAppError(error) || error instanceof MailError || error instanceof DeliveryError) return error.message;
  log.error({ err: error }, 'scheduled report failed');
  return 'internal error (see the server log)';
}

async function deliver(
  deps: ReportDeliveryDeps,
  schedule: Schedule & { orgId: OrgId },
  analysis: { id: string; name: string; createdAt: string },
  file: Download,
  content: Buffer,
): Promise<void> {
  const day = analysis.createdAt.slice(0, 10);
  const filename = `${schedule.name.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '') || 'report'}-${day}.${file.format}`;
  const contentType = MEDIA_TYPES[file.format];
  const destination = schedule.destination;
  if (destination.kind === 'email') {
    if (!deps.mailer) throw new DeliveryError('e-mail delivery is not configured on this instance (PCA_SMTP_URL)');
    await deps.mailer.send({
      to: destination.to,
      subject: `${schedule.name}: ${analysis.name}`,
      text: `The scheduled report "${schedule.name}" is attached (${file.format}), from analysis ${analysis.id} of ${day}.`,
      attachment: { filename, content, contentType },
    });
    return;
  }
  const body = JSON.stringify({
    event: 'report.delivered',
    schedule: { id: schedule.id, name: schedule.name },
    analysis: { id: analysis.id, name: analysis.name, createdAt: analysis.createdAt },
    file: {
      name: filename,
      format: file.format,
      contentType,
      bytes: content.length,
      base64: content.toString('base64'),
    },
    sentAt: deps.analysis.clock().toISOString(),
  });
  const attempt = await postToChannel(
    { db: deps.analysis.db, clock: deps.analysis.clock, ...deps.webhook },
    schedule.orgId,
    destination.channelId,
    'report.delivered',
    body,
  );
  if (attempt.outcome !== 'delivered') {
    throw new DeliveryError(
      `the webhook was ${attempt.outcome === 'refused' ? 'refused (channel gone, disabled or its address not allowed)' : attempt.outcome}${attempt.statusClass === null ? '' : ` (${attempt.statusClass / 100}xx)`}`,
    );
  }
}

/**
 * One run of a schedule: analyse (the real path: quotas, storage, audit),
 * render through exportAnalysis, deliver, then record the outcome and its
 * audit event together. Never throws for the report's own failures: they
 * are the run's outcome.
 */
export async function runReport(
  deps: ReportDeliveryDeps,
  schedule: Schedule & { orgId: OrgId },
  request: RunRequest,
  audit: AuditRecorder,
): Promise<RunResult> {
  const db = deps.analysis.db;
  const runId = await startRun(db, { id: schedule.id, orgId: schedule.orgId }, request, deps.analysis.clock());
  let analysisId = request.reuseAnalysisId;
  let bytes: number | null = null;
  try {
    const org = await requireOrganization(db, schedule.orgId);
    if (org.status !== 'active') throw new AppError('forbidden', 'The organisation is suspended.');
    if (!org.features.exports)
      throw new AppError('feature-disabled', 'The exports feature is off for this organisation.');
    if (analysisId === null) {
      const day = deps.analysis.clock().toISOString().slice(0, 10);
      const created = await deps.limit(schedule.orgId, () =>
        createAnalysis(
          deps.analysis,
          { orgId: schedule.orgId, userId: request.userId },
          { ...schedule.report.request, name: `${schedule.name} ${day}`.slice(0, 200) },
          audit,
          deps.llm,
        ),
      );
      analysisId = created.id;
    }
    const { analysis, file } = await exportAnalysis(db, schedule.orgId, analysisId, schedule.format, {
      renderDeck: deps.renderDeck,
    });
    const content = await bytesOf(file.body);
    bytes = content.length;
    await deliver(deps, schedule, analysis, file, content);
    const run = await withAudit(
      db,
      audit,
      (trx) => finishRun(trx, runId, { outcome: 'delivered', error: null, bytes, analysisId }, deps.analysis.clock()),
      () => ({
        action: 'report.delivered',
        target: { type: 'report_schedule', id: schedule.id, name: schedule.name },
        details: {
          runId,
          analysisId,
          format: schedule.format,
          bytes,
          destination: schedule.destination,
          trigger: request.trigger,
          attempt: request.attempt,
        },
      }),
    );
    return { run, analysisId };
  } catch (error) {
    const reason = reasonOf(error, deps.log);
    const run = await withAudit(
      db,
      audit,
      (trx) =>
        finishRun(
          trx,
          runId,
          { outcome: request.final ? 'failed' : 'retrying', error: reason, bytes, analysisId },
          deps.analysis.clock(),
        ),
      () => ({
        action: 'report.delivery_failed',
        target: { type: 'report_schedule', id: schedule.id, name: schedule.name },
        outcome: 'failure',
        reason,
        details: {
          runId,
          analysisId,
          format: schedule.format,
          destination: schedule.destination,
          trigger: request.trigger,
          attempt: request.attempt,
          willRetry: !request.final,
        },
      }),
    );
    return { run, analysisId };
  }
}
