import { Type } from 'typebox';
import { PROBLEM_KINDS, type ProblemKind } from '../errors.js';
import { problemBody, sendProblem } from './error-handler.js';
import type { HttpServer } from './http.js';
import { PROBLEMS, problemType } from './problems.js';

function isKind(value: string): value is ProblemKind {
  return (PROBLEM_KINDS as readonly string[]).includes(value);
}

/** Each problem `type` is a URL that explains itself. */
export function registerProblemRoutes(app: HttpServer): void {
  app.get(
    '/problems/:kind',
    {
      schema: {
        hide: true,
        params: Type.Object({ kind: Type.String({ maxLength: 64 }) }),
      },
    },
    async (request, reply) => {
      const { kind } = request.params;
      if (!isKind(kind)) {
        return sendProblem(reply, problemBody('not-found', `No problem type ${kind}`, request.id));
      }
      const { status, title, description } = PROBLEMS[kind];
      return { type: problemType(kind), status, title, description };
    },
  );
}
