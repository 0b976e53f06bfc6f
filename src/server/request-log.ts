import { LogController, type FastifyReply, type FastifyRequest } from 'fastify';

/**
 * One log line per request, written when it completes, with the request (method, redacted URL,
 * client) and its status and time. Fastify's default also logs each request's arrival: a second
 * serialised line for every request, about as costly as everything else the line logging does.
 */
export class RequestLogController extends LogController {
  override incomingRequest(): void {}

  override requestCompleted(error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply): void {
    // A refusal at a route's door is logged in its burst's summary line.
    if (this.isLogDisabled(request) || request.refusedAtDoor) return;
    const line = { req: request, res: reply, responseTime: reply.elapsedTime };
    if (error) reply.log.error({ ...line, err: error }, 'request errored');
    else reply.log.info(line, 'request completed');
  }
}
