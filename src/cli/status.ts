import { Command } from 'commander';

interface Ready {
  status: string;
  checks: Record<string, { status: string; output?: string }[]>;
}

interface AlertItem {
  severity: string;
  category: string;
  title: string;
  count: number;
  lastSeenAt: string;
}

interface Requests {
  total: number;
  errorRate: number | null;
  overall: { p50Ms: number | null; p95Ms: number | null; p99Ms: number | null };
  slowest: { route: string; p95Ms: number | null; count: number }[];
}

async function getJson<T>(url: string, token?: string): Promise<{ status: number; body: T }> {
  const response = await fetch(url, {
    headers: token ? { authorization: `Bearer ${token}` } : {},
    signal: AbortSignal.timeout(10_000),
  });
  return { status: response.status, body: (await response.json()) as T };
}

const ms = (value: number | null) => (value === null ? '—' : `${Math.round(value * 10) / 10} ms`);

async function runStatus(options: { url?: string; token?: string }): Promise<void> {
  const base = (
    options.url ?? `http://${process.env.PCA_HOST ?? '127.0.0.1'}:${process.env.PCA_PORT ?? '8080'}`
  ).replace(/\/$/, '');
  const token = options.token ?? process.env.PCA_TOKEN;
  let ready: { status: number; body: Ready };
  try {
    ready = await getJson<Ready>(`${base}/health/ready`);
  } catch (error) {
    throw new Error(`cannot reach ${base}: ${error instanceof Error ? error.message : String(error)}`);
  }
  const lines = [`${base}  ready: ${ready.body.status} (HTTP ${ready.status})`];
  for (const [name, [result]] of Object.entries(ready.body.checks)) {
    lines.push(`  ${name.padEnd(10)} ${result?.status ?? '?'}${result?.output ? `  ${result.output}` : ''}`);
  }
  if (!token) {
    lines.push('Give --token (or PCA_TOKEN) with monitoring:read for alerts and request statistics.');
  } else {
    const alerts = await getJson<{ items: AlertItem[] }>(`${base}/api/v1/alerts?status=open&limit=20`, token);
    const requests = await getJson<Requests>(`${base}/api/v1/monitoring/requests?minutes=60`, token);
    if (alerts.status !== 200 || requests.status !== 200) {
      throw new Error(
        `the token was refused (HTTP ${alerts.status}/${requests.status}); it needs monitoring:read (the instance's figures need the operator's platform:monitoring)`,
      );
    }
    lines.push(`open alerts: ${alerts.body.items.length}`);
    for (const alert of alerts.body.items)
      lines.push(`  [${alert.severity}] ${alert.category}: ${alert.title} (×${alert.count}, last ${alert.lastSeenAt})`);
    const r = requests.body;
    lines.push(
      `requests (60 min): ${r.total}, errors ${r.errorRate === null ? '—' : `${(r.errorRate * 100).toFixed(2)}%`}, p50 ${ms(r.overall.p50Ms)}, p95 ${ms(r.overall.p95Ms)}, p99 ${ms(r.overall.p99Ms)}`,
    );
    for (const route of r.slowest.slice(0, 5))
      lines.push(`  ${route.route.padEnd(48)} p95 ${ms(route.p95Ms)} (${route.count})`);
  }
  process.stdout.write(`${lines.join('\n')}\n`);
  if (ready.body.status === 'fail') process.exitCode = 2;
}

export function statusCommand(): Command {
  return new Command('status')
    .description(
      'Print the health, open alerts and request percentiles of a running instance (exit 2 when it is not ready).',
    )
    .option('--url <url>', 'the instance (default http://PCA_HOST:PCA_PORT)')
    .option('--token <token>', 'an access token or pca_ API key with monitoring:read (default PCA_TOKEN)')
    .action((options: { url?: string; token?: string }) => runStatus(options));
}
