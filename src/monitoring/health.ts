/** Health checks in the shape of application/health+json (draft-inadarei-api-health-check). */
export type HealthStatus = 'pass' | 'warn' | 'fail';

export interface HealthCheck {
  readonly name: string;
  readonly componentType: 'datastore' | 'component' | 'system';
  /** A check that overruns this is a failure. */
  readonly timeoutMs: number;
  /** What a failure of this check does to readiness: `fail` (503) or only `warn`. */
  readonly onFailure: 'fail' | 'warn';
  /** Resolves (optionally with a status and output) when healthy; rejects when not. */
  run(): Promise<CheckOutcome | void>;
}

export interface CheckOutcome {
  readonly status: HealthStatus;
  readonly output?: string;
  readonly observedValue?: number;
  readonly observedUnit?: string;
}

export interface CheckResult {
  readonly componentType: HealthCheck['componentType'];
  readonly status: HealthStatus;
  readonly time: string;
  readonly durationMs: number;
  readonly output?: string;
  readonly observedValue?: number;
  readonly observedUnit?: string;
}

export interface HealthReport {
  readonly status: HealthStatus;
  readonly checks: Record<string, CheckResult[]>;
}

const RANK: Record<HealthStatus, number> = { pass: 0, warn: 1, fail: 2 };

export function worst(statuses: Iterable<HealthStatus>): HealthStatus {
  let result: HealthStatus = 'pass';
  for (const status of statuses) if (RANK[status] > RANK[result]) result = status;
  return result;
}

function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

export async function runCheck(check: HealthCheck, now: () => Date = () => new Date()): Promise<CheckResult> {
  const started = performance.now();
  const time = now().toISOString();
  try {
    const outcome =
      (await withTimeout(
        Promise.resolve().then(() => check.run()),
        check.timeoutMs,
      )) ?? undefined;
    const durationMs = Math.round((performance.now() - started) * 100) / 100;
    return { componentType: check.componentType, time, durationMs, status: 'pass', ...outcome };
  } catch (error) {
    const durationMs = Math.round((performance.now() - started) * 100) / 100;
    return {
      componentType: check.componentType,
      time,
      durationMs,
      status: check.onFailure,
      output: error instanceof Error ? error.message : String(error),
    };
  }
}

const HISTORY = 20;

/** The set of checks that decide readiness, with the recent results of each. */
export class HealthRegistry {
  readonly #checks = new Map<string, HealthCheck>();
  readonly #history = new Map<string, CheckResult[]>();

  register(check: HealthCheck): void {
    if (this.#checks.has(check.name)) throw new Error(`health check ${check.name} registered twice`);
    this.#checks.set(check.name, check);
  }

  names(): string[] {
    return [...this.#checks.keys()];
  }

  async runAll(): Promise<HealthReport> {
    const entries = await Promise.all(
      [...this.#checks.values()].map(async (check) => [check.name, await runCheck(check)] as const),
    );
    const checks: Record<string, CheckResult[]> = {};
    for (const [name, result] of entries) {
      checks[name] = [result];
      this.#history.set(name, [result, ...(this.#history.get(name) ?? [])].slice(0, HISTORY));
    }
    return { status: worst(entries.map(([, result]) => result.status)), checks };
  }

  /** The latest results of every check, newest first. */
  history(): Record<string, CheckResult[]> {
    return Object.fromEntries(this.names().map((name) => [name, this.#history.get(name) ?? []]));
  }

  /** Runs every check on an interval in the background, so history (and later alerts) never wait for a caller. */
  startBackground(intervalMs: number): () => void {
    const timer = setInterval(() => void this.runAll(), intervalMs);
    timer.unref();
    return () => clearInterval(timer);
  }
}
