import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BACKENDS, createTestEnvironment, type TestEnvironment } from '../helpers/backends.js';
import { runCli } from '../helpers/cli.js';
import { fixture } from '../analysis/helpers.js';

const pkg = JSON.parse(await readFile(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };

describe('pca CLI', () => {
  it('prints its version', async () => {
    const result = await runCli(['version'], {});
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(`pca-agent ${pkg.version}\n`);
  });

  it.each(['serve', 'migrate', 'version'])('explains `%s` in --help', async (command) => {
    const result = await runCli([command, '--help'], {});
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`Usage: pca ${command}`);
    expect(result.stdout.length).toBeGreaterThan(120);
  });

  it.each([[['--help']], [['serve', '--help']]])(
    'sets every setting apart from its description in %j',
    async (args) => {
      const result = await runCli(args, {});
      const settings = result.stdout.split('\n').filter((line) => /^ {2}PCA_/.test(line));
      expect(settings.length).toBeGreaterThan(20);
      for (const line of settings) expect(line).toMatch(/^ {2}PCA_[A-Z0-9_]+ {2,}\S/);
      const starts = new Set(settings.map((line) => /^ {2}PCA_[A-Z0-9_]+ +/.exec(line)![0].length));
      expect(starts.size).toBe(1);
    },
  );

  it('names a missing or unreadable input in plain words, with a non-zero exit', async () => {
    const missing = await runCli(['analyze', '/tmp/pca-no-such-export.csv'], {});
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toBe('pca: no such file: /tmp/pca-no-such-export.csv\n');
    const folder = await mkdtemp(path.join(tmpdir(), 'pca-cli-'));
    try {
      const directory = await runCli(['analyze', folder], {});
      expect(directory.code).not.toBe(0);
      expect(directory.stderr).toBe(`pca: is a directory: ${folder}\n`);
      const out = await runCli(
        ['analyze', fixture('google-ads.csv'), '--out', path.join(folder, 'no/dir/report.txt')],
        {},
      );
      expect(out.code).not.toBe(0);
      expect(out.stderr).toBe(`pca: no such file: ${path.join(folder, 'no/dir/report.txt')}\n`);
    } finally {
      await rm(folder, { recursive: true });
    }
  });

  it.each([
    ['USD=0', '--rate USD=0: the rate must be a number from 1e-7 to 10000000'],
    ['USD=100000000', '--rate USD=100000000: the rate must be a number from 1e-7 to 10000000'],
  ])('refuses the exchange rate %s', async (rate, message) => {
    const result = await runCli(['analyze', fixture('google-ads.csv'), '--to-currency', 'EUR', '--rate', rate], {});
    expect(result.code).not.toBe(0);
    expect(result.stderr).toBe(`pca: ${message}\n`);
  });

  it('refuses a target currency that is not a three-letter code', async () => {
    const result = await runCli(
      ['analyze', fixture('google-ads.csv'), '--to-currency', 'EURO', '--rate', 'USD=0.9'],
      {},
    );
    expect(result.stderr).toBe('pca: --to-currency: expected a three-letter code such as EUR, got "EURO"\n');
  });

  it('refuses a backwards date range', async () => {
    const result = await runCli(
      ['analyze', fixture('google-ads.csv'), '--from', '2025-11-10', '--to', '2025-11-01'],
      {},
    );
    expect(result.code).not.toBe(0);
    expect(result.stderr).toBe('pca: The date range is backwards: from 2025-11-10 is after to 2025-11-01.\n');
  });

  it('fails with one line naming a bad setting', async () => {
    const result = await runCli(['migrate'], { PCA_DUCKDB_THREADS: 'many', PCA_DATA_DIR: '/tmp/never-created' });
    expect(result.code).not.toBe(0);
    expect(result.stderr).toBe('pca: PCA_DUCKDB_THREADS: expected an integer from 1 to 256, got "many"\n');
  });

  it('fails an unknown command with a non-zero exit', async () => {
    const result = await runCli(['frobnicate'], {});
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain("unknown command 'frobnicate'");
  });
});

describe.each(BACKENDS)('pca migrate [%s]', (backend) => {
  let environment: TestEnvironment | undefined;
  afterEach(async () => {
    await environment?.cleanup();
    environment = undefined;
  });

  it('applies the migrations once, then reports the store up to date', async () => {
    environment = await createTestEnvironment(backend);
    const first = await runCli(['migrate'], environment.env);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/^applied \d+ migration\(s\) to .*: 0001_foundation/);
    const second = await runCli(['migrate'], environment.env);
    expect(second.code).toBe(0);
    expect(second.stdout).toMatch(/^store is up to date/);
    expect(second.stdout).not.toContain(':postgres@');
  });

  it('is safe when two processes migrate one store at once', async () => {
    environment = await createTestEnvironment(backend);
    const results = await Promise.all([runCli(['migrate'], environment.env), runCli(['migrate'], environment.env)]);
    expect(results.map((result) => [result.code, result.stderr])).toEqual([
      [0, ''],
      [0, ''],
    ]);
    expect(results.filter((result) => result.stdout.startsWith('applied'))).toHaveLength(1);
  });
});
