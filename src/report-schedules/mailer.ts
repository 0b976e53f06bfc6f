import type * as Nodemailer from 'nodemailer';
import type { SmtpConfig } from '../config.js';

type Transport = ReturnType<typeof Nodemailer.createTransport>;

export interface MailMessage {
  readonly to: readonly string[];
  readonly subject: string;
  readonly text: string;
  readonly attachment: { readonly filename: string; readonly content: Buffer; readonly contentType: string };
}

export interface Mailer {
  /** Resolves when the server accepted the message; otherwise throws a MailError. */
  send(message: MailMessage): Promise<void>;
  close(): void;
}

/** A failed send in words safe to keep: the error class and the SMTP reply code, never the server's text or the URL. */
export class MailError extends Error {
  override readonly name = 'MailError';
}

function describe(error: unknown): string {
  const { code, responseCode } = (typeof error === 'object' && error !== null ? error : {}) as {
    code?: unknown;
    responseCode?: unknown;
  };
  const parts = [
    typeof code === 'string' && /^[A-Z_]{1,32}$/.test(code) ? code : 'unknown error',
    typeof responseCode === 'number' ? `SMTP ${responseCode}` : undefined,
  ];
  return `the mail server did not accept the report (${parts.filter((part) => part !== undefined).join(', ')})`;
}

/**
 * Mails through the operator's server only: the host comes from PCA_SMTP_URL,
 * never from a schedule, and messages may not pull content from files or URLs.
 */
export function smtpMailer(config: SmtpConfig): Mailer {
  // Loaded at the first mail: nodemailer costs half a second of start-up that most instances never use.
  let transport: Promise<Transport> | undefined;
  const open = () =>
    (transport ??= import('nodemailer').then(({ createTransport }) =>
      createTransport({
        url: config.url,
        connectionTimeout: 30_000,
        greetingTimeout: 30_000,
        socketTimeout: 60_000,
        disableFileAccess: true,
        disableUrlAccess: true,
        logger: false,
      }),
    ));
  return {
    async send(message) {
      try {
        await (
          await open()
        ).sendMail({
          from: config.from,
          to: [...message.to],
          subject: message.subject,
          text: message.text,
          attachments: [
            {
              filename: message.attachment.filename,
              content: message.attachment.content,
              contentType: message.attachment.contentType,
            },
          ],
          disableFileAccess: true,
          disableUrlAccess: true,
        });
      } catch (error) {
        throw new MailError(describe(error));
      }
    },
    close: () =>
      void transport?.then(
        (opened) => opened.close(),
        () => undefined,
      ),
  };
}
