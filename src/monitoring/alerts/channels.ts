import { createHmac, randomBytes } from 'node:crypto';
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Kysely, Selectable } from 'kysely';
import type { SecretBox } from '../../auth/index.js';
import { AppError } from '../../errors.js';
import { newId, type OrgId } from '../../ids.js';
import type { AlertChannelTable, Database } from '../../store/schema.js';
import type { Alert } from './alerts.js';
import { assertAllowedHost, EgressRefused, guardedLookup, type EgressPolicy } from './egress.js';

export interface Channel {
  readonly id: string;
  readonly name: string;
  readonly url: string;
  readonly enabled: boolean;
  readonly createdAt: string;
}

/**
 * What the delivery log keeps: a coarse outcome and the status class, never
 * the target's own words (error text, exact status), which would turn the
 * log into a port scanner's oracle.
 */
export type DeliveryOutcome = 'delivered' | 'refused' | 'failed' | 'timeout';

export interface Delivery {
  readonly alertId: string;
  readonly event: string;
  readonly attempt: number;
  readonly outcome: DeliveryOutcome;
  /** `2xx` … `5xx` when the target answered. */
  readonly statusClass: string | null;
  readonly at: string;
}

export const SIGNATURE_HEADER = 'x-pca-signature';
export const TIMESTAMP_HEADER = 'x-pca-timestamp';

/** A URL as it may be shown: credentials (refused today, but possibly stored before) masked. */
export function displayUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.username === '' && parsed.password === '') return url;
    parsed.username = '***';
    parsed.password = '';
    return parsed.toString();
  } catch {
    return 'invalid';
  }
}

function present(row: Selectable<AlertChannelTable>): Channel {
  return {
    id: row.id,
    name: row.name,
    url: displayUrl(row.url),
    enabled: row.enabled === 1,
    createdAt: row.created_at,
  };
}

declare const checked: unique symbol;
/** A webhook URL that passed `checkWebhookUrl`: the only kind a channel is created with. */
export type WebhookTarget = string & { readonly [checked]: true };

function invalidUrl(message: string): AppError {
  // The URL itself is never echoed: it may carry a secret.
  return new AppError('validation', `The webhook URL is not allowed: ${message}.`, {}, [
    { field: '/body/url', message },
  ]);
}

/** http(s), no credentials, and a host that is, and resolves to, only addresses the operator allows. */
export async function checkWebhookUrl(input: string, policy: EgressPolicy): Promise<WebhookTarget> {
  let url: URL;
  try {
    url = new URL(input);
  } catch {
    throw invalidUrl('must be an http(s) URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw invalidUrl('must be an http(s) URL');
  if (url.username !== '' || url.password !== '') {
    throw invalidUrl(
      'must not carry credentials (user:password@); receivers authenticate deliveries by their signature',
    );
  }
  try {
    await assertAllowedHost(url.hostname, policy);
  } catch (error) {
    if (error instanceof EgressRefused) {
      throw invalidUrl(
        `${error.message} (loopback and private addresses need PCA_WEBHOOK_ALLOW_PRIVATE; link-local, multicast and reserved ones are never allowed)`,
      );
    }
    throw error;
  }
  return url.toString() as WebhookTarget;
}

/** `sha256=` HMAC of "timestamp.body" under the channel's secret, as the receiver recomputes it. */
export function signPayload(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

export async function createChannel(
  db: Kysely<Database>,
  box: SecretBox,
  orgId: OrgId,
  input: { name: string; url: WebhookTarget },
  now: Date,
): Promise<{ channel: Channel; secret: string }> {
  const secret = randomBytes(32).toString('base64url');
  const row = {
    id: newId('chn'),
    org_id: orgId,
    name: input.name,
    url: input.url,
    secret: box.seal(secret),
    enabled: 1,
    created_at: now.toISOString(),
  };
  await db.insertInto('alert_channels').values(row).execute();
  return { channel: present(row), secret };
}

export async function listChannels(db: Kysely<Database>, orgId: OrgId): Promise<Channel[]> {
  return (
    await db.selectFrom('alert_channels').selectAll().where('org_id', '=', orgId).orderBy('created_at').execute()
  ).map(present);
}

export async function deleteChannel(db: Kysely<Database>, orgId: OrgId, id: string): Promise<void> {
  const result = await db
    .deleteFrom('alert_channels')
    .where('id', '=', id)
    .where('org_id', '=', orgId)
    .executeTakeFirst();
  if (Number(result.numDeletedRows) !== 1) throw new AppError('not-found', 'No such channel.');
}

/** The organisation's channel row, or nothing for an unknown id or another organisation's. */
function channelRow(db: Kysely<Database>, orgId: OrgId, id: string) {
  return db
    .selectFrom('alert_channels')
    .selectAll()
    .where('id', '=', id)
    .where('org_id', '=', orgId)
    .executeTakeFirst();
}

/** One of the organisation's channels; another organisation's id is "not found". */
export async function getChannel(db: Kysely<Database>, orgId: OrgId, id: string): Promise<Channel> {
  const row = await channelRow(db, orgId, id);
  if (!row) throw new AppError('not-found', 'No such channel.');
  return present(row);
}

export async function listDeliveries(db: Kysely<Database>, orgId: OrgId, channelId: string): Promise<Delivery[]> {
  await getChannel(db, orgId, channelId);
  const rows = await db
    .selectFrom('alert_deliveries')
    .selectAll()
    .where('channel_id', '=', channelId)
    .orderBy('at')
    .orderBy('attempt')
    .execute();
  return rows.map((row) => ({
    alertId: row.alert_id,
    event: row.event,
    attempt: row.attempt,
    outcome: (['delivered', 'refused', 'timeout'] as const).find((outcome) => outcome === row.outcome) ?? 'failed',
    statusClass: row.response_status === null ? null : `${Math.floor(row.response_status / 100)}xx`,
    at: row.at,
  }));
}

export interface NotifierOptions {
  readonly db: Kysely<Database>;
  readonly box: SecretBox;
  readonly clock: () => Date;
  /** Waits before the 2nd, 3rd, … attempt. */
  readonly retryDelaysMs: readonly number[];
  readonly timeoutMs: number;
  readonly egress: EgressPolicy;
}

export interface Attempt {
  readonly outcome: DeliveryOutcome;
  /** The status rounded down to its class (503 -> 500). */
  readonly statusClass: number | null;
}

/** One POST; the agent's lookup re-checks the address at connect time. Redirects are not followed. */
async function post(
  url: string,
  headers: Record<string, string>,
  body: string,
  options: Pick<NotifierOptions, 'timeoutMs' | 'egress'>,
  agents: { http: HttpAgent; https: HttpsAgent },
): Promise<Attempt> {
  const target = new URL(url);
  try {
    // An address literal never reaches the lookup: check it here, every attempt.
    await assertAllowedHost(target.hostname, options.egress);
  } catch {
    return { outcome: 'refused', statusClass: null };
  }
  const secure = target.protocol === 'https:';
  return new Promise<Attempt>((resolve) => {
    const request = (secure ? httpsRequest : httpRequest)(
      target,
      {
        method: 'POST',
        headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
        agent: secure ? agents.https : agents.http,
        timeout: options.timeoutMs,
      },
      (response: IncomingMessage) => {
        response.resume();
        const status = response.statusCode ?? 0;
        resolve({
          outcome: status >= 200 && status < 300 ? 'delivered' : 'failed',
          statusClass: Math.floor(status / 100) * 100,
        });
      },
    );
    request.on('timeout', () => {
      request.destroy();
      resolve({ outcome: 'timeout', statusClass: null });
    });
    request.on('error', (error) =>
      resolve({ outcome: error instanceof EgressRefused ? 'refused' : 'failed', statusClass: null }),
    );
    request.end(body);
  });
}

/**
 * Sends an alert event to every enabled webhook of the organisation: a JSON
 * POST signed with the channel's secret, retried with backoff, every attempt
 * written to the delivery log.
 */
export async function notifyChannels(
  options: NotifierOptions,
  orgId: OrgId,
  alert: Alert,
  event: 'opened' | 'resolved',
): Promise<void> {
  const channels = await options.db
    .selectFrom('alert_channels')
    .selectAll()
    .where('org_id', '=', orgId)
    .where('enabled', '=', 1)
    .execute();
  const lookup = guardedLookup(options.egress);
  const agents = { http: new HttpAgent({ lookup }), https: new HttpsAgent({ lookup }) };
  try {
    await deliverAll(options, channels, alert, event, agents);
  } finally {
    agents.http.destroy();
    agents.https.destroy();
  }
}

async function deliverAll(
  options: NotifierOptions,
  channels: Selectable<AlertChannelTable>[],
  alert: Alert,
  event: 'opened' | 'resolved',
  agents: { http: HttpAgent; https: HttpsAgent },
): Promise<void> {
  await Promise.all(
    channels.map(async (channel) => {
      const secret = options.box.open(channel.secret);
      const body = JSON.stringify({ event, alert, sentAt: options.clock().toISOString() });
      for (let attempt = 1; attempt <= options.retryDelaysMs.length + 1; attempt++) {
        if (attempt > 1) await sleep(options.retryDelaysMs[attempt - 2]);
        const timestamp = String(Math.floor(options.clock().getTime() / 1000));
        const headers = {
          'content-type': 'application/json',
          [TIMESTAMP_HEADER]: timestamp,
          [SIGNATURE_HEADER]: signPayload(secret, timestamp, body),
          'x-pca-event': event,
        };
        const result = await post(channel.url, headers, body, options, agents);
        await options.db
          .insertInto('alert_deliveries')
          .values({
            id: newId('dlv'),
            channel_id: channel.id,
            alert_id: alert.id,
            event,
            attempt,
            outcome: result.outcome,
            response_status: result.statusClass,
            error: null,
            at: options.clock().toISOString(),
          })
          .execute();
        // A refused address stays refused: retrying would only knock again.
        if (result.outcome === 'delivered' || result.outcome === 'refused') return;
      }
    }),
  );
}

/**
 * One JSON POST to one of the organisation's channels, signed and checked
 * against the egress policy exactly as alert deliveries are: the way other
 * features (scheduled reports) deliver through a channel. `refused` when the
 * channel is missing, another organisation's or disabled.
 */
export async function postToChannel(
  options: Pick<NotifierOptions, 'db' | 'box' | 'clock' | 'timeoutMs' | 'egress'>,
  orgId: OrgId,
  channelId: string,
  event: string,
  body: string,
): Promise<Attempt> {
  const channel = await channelRow(options.db, orgId, channelId);
  if (!channel || channel.enabled !== 1) return { outcome: 'refused', statusClass: null };
  const lookup = guardedLookup(options.egress);
  const agents = { http: new HttpAgent({ lookup }), https: new HttpsAgent({ lookup }) };
  try {
    const timestamp = String(Math.floor(options.clock().getTime() / 1000));
    const secret = options.box.open(channel.secret);
    const headers = {
      'content-type': 'application/json',
      [TIMESTAMP_HEADER]: timestamp,
      [SIGNATURE_HEADER]: signPayload(secret, timestamp, body),
      'x-pca-event': event,
    };
    return await post(channel.url, headers, body, options, agents);
  } finally {
    agents.http.destroy();
    agents.https.destroy();
  }
}
