import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SeenRequest {
  readonly path: string | undefined;
  readonly authorization: string | undefined;
  readonly body: { model: string; messages: { role: string; content: string }[] };
}

/** What the fake endpoint does with the next request. */
export type Behaviour =
  { kind: 'answer'; content: string; status?: number } | { kind: 'hang' } | { kind: 'redirect'; to: string };

export interface FakeLlm {
  /** The base URL to give as PCA_LLM_BASE_URL. */
  readonly url: string;
  readonly seen: SeenRequest[];
  readonly behaviour: { current: Behaviour };
  close(): Promise<void>;
}

function read(request: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    let text = '';
    request.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
    request.on('end', () => resolve(text));
  });
}

/** An OpenAI-compatible chat endpoint on 127.0.0.1 that answers, fails, hangs or redirects as the test sets. */
export async function fakeLlm(): Promise<FakeLlm> {
  const seen: SeenRequest[] = [];
  const behaviour: { current: Behaviour } = { current: { kind: 'answer', content: '{}' } };
  const server = createServer((request, response) => {
    void read(request).then((text) => {
      seen.push({
        path: request.url,
        authorization: request.headers.authorization,
        body: JSON.parse(text) as SeenRequest['body'],
      });
      const now = behaviour.current;
      if (now.kind === 'hang') return;
      if (now.kind === 'redirect') {
        response.writeHead(307, { location: now.to });
        response.end();
        return;
      }
      const status = now.status ?? 200;
      response.writeHead(status, { 'content-type': 'application/json' });
      response.end(
        status === 200
          ? JSON.stringify({ choices: [{ message: { role: 'assistant', content: now.content } }] })
          : '{"error":"down"}',
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`,
    seen,
    behaviour,
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
