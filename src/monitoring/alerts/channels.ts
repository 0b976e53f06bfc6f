import { createHmac, randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Kysely, Selectable } from 'kysely';
import type { SecretBox } from '../../auth/secret-box.js';
import { AppError } from '../../errors.js';
import { newId } from '../../ids.js';
import type { AlertChannelTable, Database } from '../../store/schema.js';
import type { Alert } from './alerts.js';

export interface Channel {
  readonly id: string;
  readonly name: string;
  readonly url: string;
  readonly enabled: boolean;
  readonly createdAt: string;
}

export interface Delivery {
  readonly alertId: string;
  readonly event: string;
  readonly attempt: number;
  readonly outcome: 'delivered' | 'failed';
  readonly responseStatus: number | null;
  readonly error: string | null;
  readonly at: string;
}

export const SIGNATURE_HEADER = 'x-pca-signature';
export const TIMESTAMP_HEADER = 'x-pca-timestamp';

function present(row: Selectable<AlertChannelTable>): Channel {
  return { id: row.id, name: row.name, url: row.url, enabled: row.enabled === 1, createdAt: row.created_at };
}

/** `sha256=` HMAC of "timestamp.body" under the channel's secret, as the receiver recomputes it. */
export function signPayload(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

export async function createChannel(
  db: Kysely<Database>,
  box: SecretBox,
  orgId: string,
  input: { name: string; url: string },
  now: Date,
): Promise<{ channel: Channel; secret: string }> {
  let url: URL;
  try {
    url = new URL(input.url);
  } catch {
    url = new URL('invalid:');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new AppError('validation', 'A webhook URL must be http or https.', {}, [{ field: '/body/url', message: 'must be an http(s) URL' }]);
  }
  const secret = randomBytes(32).toString('base64url');
  const row = { id: newId('chn'), org_id: orgId, name: input.name, url: url.toString(), secret: box.seal(secret), enabled: 1, created_at: now.toISOString() };
  await db.insertInto('alert_channels').values(row).execute();
  return { channel: present(row), secret };
}

export async function listChannels(db: Kysely<Database>, orgId: string): Promise<Channel[]> {
  return (await db.selectFrom('alert_channels').selectAll().where('org_id', '=', orgId).orderBy('created_at').execute()).map(present);
}

export async function deleteChannel(db: Kysely<Database>, orgId: string, id: string): Promise<void> {
  const result = await db.deleteFrom('alert_channels').where('id', '=', id).where('org_id', '=', orgId).executeTakeFirst();
  if (Number(result.numDeletedRows) !== 1) throw new AppError('not-found', 'No such channel.');
}

export async function listDeliveries(db: Kysely<Database>, orgId: string, channelId: string): Promise<Delivery[]> {
  const channel = await db.selectFrom('alert_channels').select('id').where('id', '=', channelId).where('org_id', '=', orgId).executeTakeFirst();
  if (!channel) throw new AppError('not-found', 'No such channel.');
  const rows = await db.selectFrom('alert_deliveries').selectAll().where('channel_id', '=', channelId).orderBy('at').orderBy('attempt').execute();
  return rows.map((row) => ({
    alertId: row.alert_id,
    event: row.event,
    attempt: row.attempt,
    outcome: row.outcome === 'delivered' ? 'delivered' : 'failed',
    responseStatus: row.response_status,
    error: row.error,
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
}

/**
 * Sends an alert event to every enabled webhook of the organisation: a JSON
 * POST signed with the channel's secret, retried with backoff, every attempt
 * written to the delivery log.
 */
export async function notifyChannels(options: NotifierOptions, orgId: string, alert: Alert, event: 'opened' | 'resolved'): Promise<void> {
  const channels = await options.db.selectFrom('alert_channels').selectAll().where('org_id', '=', orgId).where('enabled', '=', 1).execute();
  await Promise.all(
    channels.map(async (channel) => {
      const secret = options.box.open(channel.secret);
      const body = JSON.stringify({ event, alert, sentAt: options.clock().toISOString() });
      for (let attempt = 1; attempt <= options.retryDelaysMs.length + 1; attempt++) {
        if (attempt > 1) await sleep(options.retryDelaysMs[attempt - 2]);
        const timestamp = String(Math.floor(options.clock().getTime() / 1000));
        let status: number | null = null;
        let error: string | null = null;
        try {
          const response = await fetch(channel.url, {
            method: 'POST',
            headers: { 'content-type': 'application/json', [TIMESTAMP_HEADER]: timestamp, [SIGNATURE_HEADER]: signPayload(secret, timestamp, body), 'x-pca-event': event },
            body,
            signal: AbortSignal.timeout(options.timeoutMs),
            redirect: 'manual',
          });
          status = response.status;
          await response.arrayBuffer();
        } catch (caught) {
          error = caught instanceof Error ? caught.message : String(caught);
        }
        const delivered = status !== null && status >= 200 && status < 300;
        await options.db
          .insertInto('alert_deliveries')
          .values({
            id: newId('dlv'),
            channel_id: channel.id,
            alert_id: alert.id,
            event,
            attempt,
            outcome: delivered ? 'delivered' : 'failed',
            response_status: status,
            error: error ?? (delivered ? null : `HTTP ${status}`),
            at: options.clock().toISOString(),
          })
          .execute();
        if (delivered) return;
      }
    }),
  );
}
