import { spawn } from 'node:child_process';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createTestEnvironment, type TestEnvironment } from '../helpers/backends.js';
import { startServer } from '../helpers/cli.js';

const DESTINATION = path.resolve(import.meta.dirname, '../../dist/server/log-destination.js');

interface LogLine {
  readonly level: number;
  readonly msg: string;
  readonly requestId?: string;
  readonly req?: { method: string; url: string; host: string; remoteAddress: string; remotePort: number };
  readonly res?: { statusCode: number };
  readonly responseTime?: number;
}

function lines(output: string): LogLine[] {
  return output
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as LogLine);
}

/** Runs a script that logs through the server's stdout destination; its stdout and exit code. */
function runLogger(body: string): Promise<{ stdout: string; code: number | null }> {
  const script = `import pino from 'pino'; import { stdoutDestination } from ${JSON.stringify(DESTINATION)};
const log = pino(stdoutDestination()); ${body}`;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
      cwd: path.resolve(import.meta.dirname, '../..'),
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => resolve({ stdout, code }));
  });
}

describe('the request log, written asynchronously to stdout', () => {
  let environment: TestEnvironment | undefined;
  afterEach(async () => {
    await environment?.cleanup();
    environment = undefined;
  });

  it('`pca serve` logs every answered request once, in order, with its fields, before it exits on SIGTERM', async () => {
    environment = await createTestEnvironment('sqlite');
    const server = await startServer(environment.env);
    // One after another (their order is known), then a burst whose lines queue behind a write in flight.
    for (let i = 0; i < 50; i++) {
      const response = await fetch(`${server.url}/health/live?n=${i}`, { headers: { 'x-request-id': `seq-${i}` } });
      expect(response.status).toBe(200);
    }
    const burst = await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        fetch(`${server.url}/health/live?n=${i}`, { headers: { 'x-request-id': `burst-${i}` } }),
      ),
    );
    expect(burst.every((response) => response.status === 200)).toBe(true);
    // Stopped right after the last answer: the lines still buffered must be written before the exit.
    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);

    const logged = lines(server.output());
    const completed = logged.filter((line) => line.msg === 'request completed');
    const ids = completed.map((line) => line.requestId);
    expect(ids.filter((id) => id?.startsWith('seq-'))).toEqual(Array.from({ length: 50 }, (_, i) => `seq-${i}`));
    expect(new Set(ids.filter((id) => id?.startsWith('burst-')))).toEqual(
      new Set(Array.from({ length: 200 }, (_, i) => `burst-${i}`)),
    );
    expect(completed).toHaveLength(250);
    const first = completed[0]!;
    expect(first).toMatchObject({
      level: 30,
      requestId: 'seq-0',
      req: { method: 'GET', url: '/health/live?n=0', remoteAddress: '127.0.0.1' },
      res: { statusCode: 200 },
    });
    expect(typeof first.req?.remotePort).toBe('number');
    expect(typeof first.responseTime).toBe('number');
    expect(logged.at(-1)?.msg).toBe('shutdown complete');
  });

  it('writes what was logged before process.exit, in order', async () => {
    const { stdout, code } = await runLogger(
      `for (let i = 0; i < 20000; i++) log.info({ i }, 'line'); process.exit(0);`,
    );
    expect(code).toBe(0);
    expect(lines(stdout).map((line) => (line as LogLine & { i: number }).i)).toEqual(
      Array.from({ length: 20_000 }, (_, i) => i),
    );
  });

  it("writes a quiet process's single line without waiting for more lines or the exit", async () => {
    const script = `import pino from 'pino'; import { stdoutDestination } from ${JSON.stringify(DESTINATION)};
pino(stdoutDestination()).info('alone'); setInterval(() => {}, 1000);`;
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
      cwd: path.resolve(import.meta.dirname, '../..'),
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    const closed = new Promise<NodeJS.Signals | null>((resolve) =>
      child.on('close', (_code, signal) => resolve(signal)),
    );
    // The process stays alive; the line must come out on its own, since SIGKILL runs no exit flush.
    const first = await new Promise<string>((resolve) =>
      child.stdout.once('data', (chunk: Buffer) => resolve(chunk.toString('utf8'))),
    );
    child.kill('SIGKILL');
    expect(await closed).toBe('SIGKILL');
    expect(lines(first).map((line) => line.msg)).toEqual(['alone']);
  });

  it('writes what was logged before an uncaught exception ends the process', async () => {
    const { stdout, code } = await runLogger(
      `for (let i = 0; i < 20000; i++) log.info({ i }, 'line'); throw new Error('crash');`,
    );
    expect(code).toBe(1);
    expect(lines(stdout)).toHaveLength(20_000);
  });
});
