import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type {
  FastifyBaseLogger,
  FastifyInstance,
  FastifyReply,
  RawReplyDefaultExpression,
  RawRequestDefaultExpression,
  RawServerDefault,
} from 'fastify';
import { contentDisposition, MEDIA_TYPES, safeFileBase, type Download } from '../export/download.js';

/** The Fastify instance every feature's routes receive: TypeBox schemas type the handlers. */
export type HttpServer = FastifyInstance<
  RawServerDefault,
  RawRequestDefaultExpression,
  RawReplyDefaultExpression,
  FastifyBaseLogger,
  TypeBoxTypeProvider
>;

/** Sends an export as an attachment named `<baseName>.<format>`, the name made safe to save on any system. */
export function sendDownload(reply: FastifyReply, download: Download, baseName: string): FastifyReply {
  const fileName = `${safeFileBase(baseName, 'download')}.${download.format}`;
  return reply
    .type(MEDIA_TYPES[download.format])
    .header('content-disposition', contentDisposition(fileName))
    .send(download.body);
}

/** Sends JSON that is already serialised (e.g. a stored document), so megabytes are not parsed and re-serialised. */
export function sendJsonText(reply: FastifyReply, status: number, json: string): FastifyReply {
  return reply.code(status).type('application/json; charset=utf-8').send(json);
}
