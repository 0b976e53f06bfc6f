import { availableParallelism } from 'node:os';
import { isIP } from 'node:net';
import path from 'node:path';

/** Every setting of the product, read once from the environment and validated. */
export interface Config {
  readonly host: string;
  readonly port: number;
  /** Absolute path; holds the SQLite file, datasets, secrets and temp files. */
  readonly dataDir: string;
  readonly database: DatabaseConfig;
  readonly logLevel: LogLevel;
  readonly duckdb: DuckDbConfig;
  /** How long a graceful shutdown waits for in-flight requests before giving up. */
  readonly shutdownTimeoutMs: number;
  /**
   * Which X-Forwarded-For entries to believe: `false` none; a number, that
   * many proxy hops from the socket; a list, only entries added by those
   * proxy addresses/CIDRs. Never the client's own leftmost entry.
   */
  readonly trustProxy: TrustProxy;
  readonly auth: AuthConfig;
  /** Minutes between background retention runs; 0 disables the scheduler (`pca retention run` still works). */
  readonly retentionIntervalMinutes: number;
  readonly monitoring: MonitoringConfig;
  /** HMAC key of the audit chain (≥ 32 bytes); otherwise generated once into the data dir. Never stored in the database. */
  readonly auditKey: string | undefined;
  /** An OpenAI-compatible endpoint for executive summaries; unset: deterministic summaries only. */
  readonly llm: LlmConfig | undefined;
  readonly performance: PerformanceConfig;
  readonly http: HttpLimits;
  /** Distinct people whose ratings it takes before a rule can be suppressed for the organisation. */
  readonly feedbackSuppressMinRaters: number;
  /** The operator's mail server for scheduled reports; unset: e-mail destinations are refused. */
  readonly smtp: SmtpConfig | undefined;
  readonly reports: ReportScheduleConfig;
}

export interface SmtpConfig {
  /** smtp:// or smtps:// with optional user:password; the only host reports are mailed through. Never logged. */
  readonly url: string;
  readonly from: string;
}

export interface ReportScheduleConfig {
  /** Seconds between scheduler ticks; 0 turns the background scheduler off. */
  readonly intervalSeconds: number;
  /** The wait before the first retry of a failed delivery; each later one doubles it. */
  readonly retryBaseSeconds: number;
  /** Attempts per scheduled slot, the first included, before the run is recorded as failed. */
  readonly maxAttempts: number;
}

export interface PerformanceConfig {
  /** Worker threads that run an analysis's JavaScript (report, insights) off the event loop. */
  readonly workerThreads: number;
  /** Analyses one organisation may run at once on an instance; more are refused with 429. */
  readonly orgConcurrentAnalyses: number;
  /** Uploads one organisation may have in progress at once on an instance; more are refused with 429. */
  readonly orgConcurrentUploads: number;
  /** Bytes of DuckDB results kept in memory for repeated analyses; 0 turns the cache off. */
  readonly analysisCacheBytes: number;
}

export type TrustProxy = false | number | readonly string[];

/** Bounds on what one connection and one client may hold. */
export interface HttpLimits {
  /** The whole request (headers and body) must arrive within this. */
  readonly requestTimeoutMs: number;
  readonly headersTimeoutMs: number;
  readonly keepAliveTimeoutMs: number;
  /** A socket with no traffic for this long is closed; the clock stops while the server works on a request. */
  readonly idleTimeoutMs: number;
  readonly maxRequestsPerSocket: number;
  readonly maxConnections: number;
  /** Requests without valid credentials per client address per minute (then 429). */
  readonly anonymousPerMinute: number;
}

export interface LlmConfig {
  /** e.g. `https://api.openai.com/v1`; `/chat/completions` is appended. */
  readonly baseUrl: string;
  readonly apiKey: string | undefined;
  readonly model: string;
  readonly timeoutMs: number;
}

export interface MonitoringConfig {
  /** Bearer token for GET /metrics; unset: loopback callers only. */
  readonly metricsToken: string | undefined;
  readonly healthIntervalSeconds: number;
  readonly alertIntervalSeconds: number;
  /** Per-request measurement (metrics histogram, request statistics); on unless an operator turns it off. */
  readonly requestMetrics: boolean;
  /** Waits between webhook attempts (so the number of retries is its length). */
  readonly webhookRetryDelaysMs: number[];
  /** Webhooks may reach loopback and private addresses (on-premises installs); link-local and reserved ones never. */
  readonly webhookAllowPrivate: boolean;
}

export type PasswordAlgorithm = 'argon2id' | 'bcrypt';

export interface AuthConfig {
  /** ≥ 32 bytes when given; otherwise generated once into the data dir. */
  readonly jwtSecret: string | undefined;
  /** The operator's first password; otherwise a random one is printed once. */
  readonly adminPassword: string | undefined;
  readonly passwordHash: PasswordAlgorithm;
  readonly bcryptCost: number;
  readonly accessTokenSeconds: number;
  readonly refreshTokenDays: number;
  readonly lockoutThreshold: number;
  readonly lockoutMinutes: number;
  /** Login attempts allowed per client IP per minute. */
  readonly loginRateLimitPerMinute: number;
  /** Password hashes computed at once; more wait in a queue of `hashQueue`, beyond which 429 + Retry-After. */
  readonly hashConcurrency: number;
  readonly hashQueue: number;
}

export type DatabaseConfig =
  | { readonly kind: 'sqlite'; readonly file: string }
  | { readonly kind: 'postgres'; readonly url: string; readonly schema: string; readonly poolMax: number };

export interface DuckDbConfig {
  readonly threads: number;
  /** DuckDB size string, e.g. `2GB`. */
  readonly memoryLimit: string;
}

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** A setting with a bad value; its message is one line naming the variable. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(
    readonly variable: string,
    expected: string,
    got: string,
  ) {
    super(`${variable}: expected ${expected}, got ${JSON.stringify(got)}`);
  }
}

type Env = Readonly<Record<string, string | undefined>>;

/** Documented settings, in the order the README lists them. */
export const SETTINGS = {
  PCA_HOST: 'address to listen on (default 127.0.0.1)',
  PCA_PORT: 'TCP port, 0 picks a free one (default 8080)',
  PCA_DATA_DIR: 'data directory, created with mode 0700 (default ./data)',
  PCA_DATABASE_URL: 'unset = SQLite in the data dir; postgres://user:pass@host:port/db = PostgreSQL',
  PCA_DATABASE_SCHEMA: 'PostgreSQL schema to use (default public)',
  PCA_DATABASE_POOL_MAX: 'PostgreSQL pool size (default 10)',
  PCA_LOG_LEVEL: `log level: ${LOG_LEVELS.join('|')} (default info)`,
  PCA_DUCKDB_THREADS: 'DuckDB worker threads (default: number of cores)',
  PCA_DUCKDB_MEMORY_LIMIT: 'DuckDB memory limit, e.g. 512MB, 2GB (default 2GB)',
  PCA_SHUTDOWN_TIMEOUT_MS: 'grace period for in-flight requests on SIGTERM (default 10000)',
  PCA_TRUST_PROXY:
    'false | true (= 1 hop) | a hop count | comma-separated proxy addresses/CIDRs: which X-Forwarded-For entries to trust (default false)',
  PCA_JWT_SECRET: 'HS256 signing secret, at least 32 bytes (default: generated once into the data dir)',
  PCA_AUDIT_KEY: 'HMAC key of the audit chain, at least 32 bytes (default: generated once into the data dir)',
  PCA_ADMIN_PASSWORD: "operator's first password (default: random, printed once on the console)",
  PCA_PASSWORD_HASH: 'argon2id|bcrypt: algorithm for new password hashes (default argon2id)',
  PCA_BCRYPT_COST: 'bcrypt cost factor, 4-15 (default 12)',
  PCA_ACCESS_TOKEN_SECONDS: 'access token lifetime in seconds (default 900)',
  PCA_REFRESH_TOKEN_DAYS: 'refresh token absolute lifetime in days (default 30)',
  PCA_LOCKOUT_THRESHOLD: 'consecutive failed logins that lock an account (default 5)',
  PCA_LOCKOUT_MINUTES: 'how long a locked account stays locked (default 15)',
  PCA_LOGIN_RATE_LIMIT: 'login attempts per client IP per minute (default 20)',
  PCA_RETENTION_INTERVAL_MINUTES: 'minutes between retention runs, 0 = off (default 60)',
  PCA_METRICS_TOKEN: 'bearer token for /metrics, at least 16 characters (default: loopback callers only)',
  PCA_HEALTH_INTERVAL_SECONDS: 'seconds between background health checks (default 15)',
  PCA_ALERT_INTERVAL_SECONDS: 'seconds between alert rule evaluations (default 30)',
  PCA_REQUEST_METRICS: 'true|false: measure every request for /metrics and the request statistics (default true)',
  PCA_LLM_BASE_URL:
    'OpenAI-compatible API base URL, e.g. https://api.openai.com/v1 (default: no LLM; summaries are deterministic)',
  PCA_LLM_API_KEY: 'bearer key for the LLM endpoint (never logged)',
  PCA_LLM_MODEL: 'model name for the LLM endpoint (required with PCA_LLM_BASE_URL)',
  PCA_LLM_TIMEOUT_MS: 'how long to wait for an LLM summary before using the deterministic one (default 20000)',
  PCA_WEBHOOK_RETRY_DELAYS_MS: 'comma-separated waits before webhook retries (default 1000,5000,30000)',
  PCA_WORKER_THREADS:
    'worker threads for the JavaScript of analyses (report, insights) (default: cores - 1, at least 1, at most 8)',
  PCA_ORG_CONCURRENT_ANALYSES:
    'analyses one organisation may run at once per instance; more get 429 with Retry-After (default 2)',
  PCA_ORG_CONCURRENT_UPLOADS:
    'uploads one organisation may send at once per instance; more get 429 with Retry-After (default 2)',
  PCA_ANALYSIS_CACHE_MB: 'megabytes of DuckDB results kept per instance for repeated analyses, 0 = off (default 64)',
  PCA_REQUEST_TIMEOUT_MS: 'the whole request, body included, must arrive within this (default 120000)',
  PCA_HEADERS_TIMEOUT_MS: 'request headers must arrive within this (default 10000)',
  PCA_KEEP_ALIVE_TIMEOUT_MS: 'an idle keep-alive connection is closed after this (default 5000)',
  PCA_IDLE_TIMEOUT_MS:
    'a socket silent for this long while a request is sent or a response read is closed (default 60000); not counted while the server computes',
  PCA_MAX_CONNECTIONS: 'open connections at once; more are closed on arrival (default 1024)',
  PCA_MAX_REQUESTS_PER_SOCKET: 'requests one keep-alive connection may carry (default 1000)',
  PCA_ANON_RATE_LIMIT: 'requests without valid credentials per client address per minute before 429 (default 60)',
  PCA_HASH_CONCURRENCY: 'password hashes computed at once (default: number of cores - 1, at least 1)',
  PCA_HASH_QUEUE: 'password checks waiting for a hash slot before 429 + Retry-After (default 64)',
  PCA_FEEDBACK_SUPPRESS_MIN_RATERS:
    'distinct people whose low ratings it takes to suppress an insight rule (default 3)',
  PCA_WEBHOOK_ALLOW_PRIVATE:
    'true|false: webhooks may reach loopback and private addresses (10/8, 172.16/12, 192.168/16, 100.64/10, fc00::/7), for on-premises installs; link-local, multicast and reserved addresses are always refused (default false)',
  PCA_SMTP_URL:
    'smtp://[user:pass@]host:port or smtps://…: the mail server scheduled reports are sent through (default: none, e-mail delivery off; never logged)',
  PCA_SMTP_FROM: 'sender address of scheduled report mails (required with PCA_SMTP_URL)',
  PCA_REPORT_INTERVAL_SECONDS: 'seconds between report scheduler ticks, 0 = off (default 60)',
  PCA_REPORT_RETRY_BASE_SECONDS:
    'wait before the first retry of a failed report delivery; each later retry doubles it (default 60)',
  PCA_REPORT_MAX_ATTEMPTS:
    'attempts per scheduled report, the first included, before it is recorded as failed (default 4)',
} as const;

function read(env: Env, name: keyof typeof SETTINGS): string | undefined {
  const value = env[name];
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

function integer(env: Env, name: keyof typeof SETTINGS, fallback: number, min: number, max: number): number {
  const raw = read(env, name);
  if (raw === undefined) return fallback;
  const value = /^-?\d+$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new ConfigError(name, `an integer from ${min} to ${max}`, raw);
  }
  return value;
}

function oneOf<T extends string>(env: Env, name: keyof typeof SETTINGS, allowed: readonly T[], fallback: T): T {
  const raw = read(env, name)?.toLowerCase();
  if (raw === undefined) return fallback;
  const found = allowed.find((candidate) => candidate === raw);
  if (found === undefined) throw new ConfigError(name, `one of ${allowed.join('|')}`, raw);
  return found;
}

function boolean(env: Env, name: keyof typeof SETTINGS, fallback: boolean): boolean {
  const raw = read(env, name)?.toLowerCase();
  if (raw === undefined) return fallback;
  if (['true', '1', 'yes'].includes(raw)) return true;
  if (['false', '0', 'no'].includes(raw)) return false;
  throw new ConfigError(name, 'true or false', raw);
}

const SIZE = /^(\d+(?:\.\d+)?)\s*(B|KB|MB|GB|TB|KIB|MIB|GIB|TIB)$/i;

function sizeString(env: Env, name: keyof typeof SETTINGS, fallback: string): string {
  const raw = read(env, name);
  if (raw === undefined) return fallback;
  const match = SIZE.exec(raw);
  if (!match || Number(match[1]) <= 0) throw new ConfigError(name, 'a size such as 512MB or 2GB', raw);
  return `${match[1]}${match[2]!.toUpperCase()}`;
}

const HOST = /^[A-Za-z0-9.:[\]-]+$/;
const SQL_IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;

function database(env: Env, dataDir: string): DatabaseConfig {
  const url = read(env, 'PCA_DATABASE_URL');
  if (url === undefined) return { kind: 'sqlite', file: path.join(dataDir, 'pca.sqlite') };
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ConfigError('PCA_DATABASE_URL', 'a postgres:// URL or nothing (SQLite)', redactUrl(url));
  }
  if (parsed.protocol !== 'postgres:' && parsed.protocol !== 'postgresql:') {
    throw new ConfigError('PCA_DATABASE_URL', 'a postgres:// URL or nothing (SQLite)', redactUrl(url));
  }
  const schema = read(env, 'PCA_DATABASE_SCHEMA') ?? 'public';
  if (!SQL_IDENTIFIER.test(schema)) {
    throw new ConfigError('PCA_DATABASE_SCHEMA', 'a lower-case SQL identifier (a-z, 0-9, _)', schema);
  }
  return { kind: 'postgres', url, schema, poolMax: integer(env, 'PCA_DATABASE_POOL_MAX', 10, 1, 500) };
}

/** Never echo a password back, not even in a configuration error. */
export function redactUrl(url: string): string {
  return url.replace(/\/\/([^:/@]*):[^@/]*@/, '//$1:***@');
}

export function loadConfig(env: Env = process.env, cwd: string = process.cwd()): Config {
  const host = read(env, 'PCA_HOST') ?? '127.0.0.1';
  if (!HOST.test(host)) throw new ConfigError('PCA_HOST', 'a host name or IP address', host);
  const dataDir = path.resolve(cwd, read(env, 'PCA_DATA_DIR') ?? './data');
  return {
    host,
    port: integer(env, 'PCA_PORT', 8080, 0, 65535),
    dataDir,
    database: database(env, dataDir),
    logLevel: oneOf(env, 'PCA_LOG_LEVEL', LOG_LEVELS, 'info'),
    duckdb: {
      threads: integer(env, 'PCA_DUCKDB_THREADS', availableParallelism(), 1, 256),
      memoryLimit: sizeString(env, 'PCA_DUCKDB_MEMORY_LIMIT', '2GB'),
    },
    shutdownTimeoutMs: integer(env, 'PCA_SHUTDOWN_TIMEOUT_MS', 10_000, 0, 600_000),
    trustProxy: trustProxy(env),
    auth: authConfig(env),
    retentionIntervalMinutes: integer(env, 'PCA_RETENTION_INTERVAL_MINUTES', 60, 0, 10_080),
    monitoring: {
      metricsToken: metricsToken(env),
      healthIntervalSeconds: integer(env, 'PCA_HEALTH_INTERVAL_SECONDS', 15, 1, 3_600),
      alertIntervalSeconds: integer(env, 'PCA_ALERT_INTERVAL_SECONDS', 30, 1, 3_600),
      webhookRetryDelaysMs: delays(env, 'PCA_WEBHOOK_RETRY_DELAYS_MS', [1_000, 5_000, 30_000]),
      requestMetrics: boolean(env, 'PCA_REQUEST_METRICS', true),
      webhookAllowPrivate: boolean(env, 'PCA_WEBHOOK_ALLOW_PRIVATE', false),
    },
    auditKey: auditKey(env),
    llm: llmConfig(env),
    performance: {
      workerThreads: integer(env, 'PCA_WORKER_THREADS', Math.max(1, Math.min(8, availableParallelism() - 1)), 1, 64),
      orgConcurrentAnalyses: integer(env, 'PCA_ORG_CONCURRENT_ANALYSES', 2, 1, 1_000),
      orgConcurrentUploads: integer(env, 'PCA_ORG_CONCURRENT_UPLOADS', 2, 1, 1_000),
      analysisCacheBytes: integer(env, 'PCA_ANALYSIS_CACHE_MB', 64, 0, 65_536) * 1024 * 1024,
    },
    http: {
      requestTimeoutMs: integer(env, 'PCA_REQUEST_TIMEOUT_MS', 120_000, 1_000, 3_600_000),
      headersTimeoutMs: integer(env, 'PCA_HEADERS_TIMEOUT_MS', 10_000, 100, 120_000),
      keepAliveTimeoutMs: integer(env, 'PCA_KEEP_ALIVE_TIMEOUT_MS', 5_000, 100, 600_000),
      idleTimeoutMs: integer(env, 'PCA_IDLE_TIMEOUT_MS', 60_000, 100, 3_600_000),
      maxConnections: integer(env, 'PCA_MAX_CONNECTIONS', 1_024, 1, 1_000_000),
      maxRequestsPerSocket: integer(env, 'PCA_MAX_REQUESTS_PER_SOCKET', 1_000, 1, 1_000_000),
      anonymousPerMinute: integer(env, 'PCA_ANON_RATE_LIMIT', 60, 1, 1_000_000),
    },
    feedbackSuppressMinRaters: integer(env, 'PCA_FEEDBACK_SUPPRESS_MIN_RATERS', 3, 1, 1_000),
    smtp: smtpConfig(env),
    reports: {
      intervalSeconds: integer(env, 'PCA_REPORT_INTERVAL_SECONDS', 60, 0, 3_600),
      retryBaseSeconds: integer(env, 'PCA_REPORT_RETRY_BASE_SECONDS', 60, 1, 86_400),
      maxAttempts: integer(env, 'PCA_REPORT_MAX_ATTEMPTS', 4, 1, 10),
    },
  };
}

const MAIL_ADDRESS = /^[^\s@<>]+@[^\s@<>]+$/;

function smtpConfig(env: Env): SmtpConfig | undefined {
  const url = read(env, 'PCA_SMTP_URL');
  if (url === undefined) return undefined;
  let parsed: URL | undefined;
  try {
    parsed = new URL(url);
  } catch {
    parsed = undefined;
  }
  if (!parsed || (parsed.protocol !== 'smtp:' && parsed.protocol !== 'smtps:') || parsed.hostname === '') {
    throw new ConfigError('PCA_SMTP_URL', 'an smtp:// or smtps:// URL', redactUrl(url));
  }
  const from = read(env, 'PCA_SMTP_FROM');
  if (from === undefined || !MAIL_ADDRESS.test(from.replace(/^.*<([^>]*)>\s*$/, '$1'))) {
    throw new ConfigError('PCA_SMTP_FROM', 'a sender address when PCA_SMTP_URL is set', from ?? '(unset)');
  }
  return { url, from };
}

const PROXY_ENTRY = /^[0-9A-Fa-f.:]+(\/\d{1,3})?$/;

function trustProxy(env: Env): TrustProxy {
  const raw = read(env, 'PCA_TRUST_PROXY');
  if (raw === undefined || ['false', '0', 'no'].includes(raw.toLowerCase())) return false;
  // "true" once meant "believe every entry"; it now trusts the one proxy in front (the socket's peer) only.
  if (['true', 'yes'].includes(raw.toLowerCase())) return 1;
  if (/^\d{1,2}$/.test(raw)) return Number(raw);
  const entries = raw.split(',').map((entry) => entry.trim());
  if (!entries.every((entry) => PROXY_ENTRY.test(entry) && isIP(entry.split('/')[0]!) !== 0)) {
    throw new ConfigError('PCA_TRUST_PROXY', 'false, true, a hop count or comma-separated proxy addresses/CIDRs', raw);
  }
  return entries;
}

function delays(env: Env, name: keyof typeof SETTINGS, fallback: number[]): number[] {
  const raw = read(env, name);
  if (raw === undefined) return fallback;
  const parts = raw.split(',').map((part) => part.trim());
  if (parts.length > 10 || !parts.every((part) => /^\d{1,7}$/.test(part))) {
    throw new ConfigError(name, 'up to 10 comma-separated millisecond values', raw);
  }
  return parts.map(Number);
}

function metricsToken(env: Env): string | undefined {
  const token = read(env, 'PCA_METRICS_TOKEN');
  if (token !== undefined && token.length < 16)
    throw new ConfigError('PCA_METRICS_TOKEN', 'at least 16 characters', `${token.length} characters`);
  return token;
}

function llmConfig(env: Env): LlmConfig | undefined {
  const baseUrl = read(env, 'PCA_LLM_BASE_URL');
  if (baseUrl === undefined) return undefined;
  let parsed: URL | undefined;
  try {
    parsed = new URL(baseUrl);
  } catch {
    parsed = undefined;
  }
  if (!parsed || (parsed.protocol !== 'http:' && parsed.protocol !== 'https:'))
    throw new ConfigError('PCA_LLM_BASE_URL', 'an http(s) URL', baseUrl);
  const model = read(env, 'PCA_LLM_MODEL');
  if (model === undefined)
    throw new ConfigError('PCA_LLM_MODEL', 'a model name when PCA_LLM_BASE_URL is set', '(unset)');
  return {
    baseUrl: baseUrl.replace(/\/+$/, ''),
    apiKey: read(env, 'PCA_LLM_API_KEY'),
    model,
    timeoutMs: integer(env, 'PCA_LLM_TIMEOUT_MS', 20_000, 100, 600_000),
  };
}

function auditKey(env: Env): string | undefined {
  const key = env.PCA_AUDIT_KEY;
  if (key === undefined || key === '') return undefined;
  if (Buffer.byteLength(key, 'utf8') < 32)
    throw new ConfigError('PCA_AUDIT_KEY', 'at least 32 bytes', `${Buffer.byteLength(key, 'utf8')} bytes`);
  return key;
}

function authConfig(env: Env): AuthConfig {
  const jwtSecret = env.PCA_JWT_SECRET;
  if (jwtSecret !== undefined && jwtSecret !== '' && Buffer.byteLength(jwtSecret, 'utf8') < 32) {
    // Never echo the secret itself.
    throw new ConfigError('PCA_JWT_SECRET', 'at least 32 bytes', `${Buffer.byteLength(jwtSecret, 'utf8')} bytes`);
  }
  const adminPassword = env.PCA_ADMIN_PASSWORD;
  return {
    jwtSecret: jwtSecret === '' ? undefined : jwtSecret,
    adminPassword: adminPassword === '' ? undefined : adminPassword,
    passwordHash: oneOf(env, 'PCA_PASSWORD_HASH', ['argon2id', 'bcrypt'] as const, 'argon2id'),
    bcryptCost: integer(env, 'PCA_BCRYPT_COST', 12, 4, 15),
    accessTokenSeconds: integer(env, 'PCA_ACCESS_TOKEN_SECONDS', 900, 30, 86_400),
    refreshTokenDays: integer(env, 'PCA_REFRESH_TOKEN_DAYS', 30, 1, 365),
    lockoutThreshold: integer(env, 'PCA_LOCKOUT_THRESHOLD', 5, 1, 100),
    lockoutMinutes: integer(env, 'PCA_LOCKOUT_MINUTES', 15, 1, 1_440),
    loginRateLimitPerMinute: integer(env, 'PCA_LOGIN_RATE_LIMIT', 20, 1, 100_000),
    // Hashing is CPU-bound: with a hash on every core, the event loop waited its turn behind them and
    // every other request with it (health p99 52-58 ms in a sign-in storm on 2 cores, 29-33 ms with one
    // core left to the loop).
    hashConcurrency: integer(env, 'PCA_HASH_CONCURRENCY', Math.max(1, availableParallelism() - 1), 1, 256),
    hashQueue: integer(env, 'PCA_HASH_QUEUE', 64, 0, 100_000),
  };
}
