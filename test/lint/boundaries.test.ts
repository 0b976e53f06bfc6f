import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Linter, type ESLint } from 'eslint';
import tseslint from 'typescript-eslint';
import { beforeAll, describe, expect, it } from 'vitest';

// The rules as lint runs them (eslint-plugin-pca.js), on planted imports in files that need not exist.
let linter: Linter;
let pca: ESLint.Plugin;

beforeAll(async () => {
  ({ pca } = (await import(pathToFileURL(path.resolve('eslint-plugin-pca.js')).href)) as { pca: ESLint.Plugin });
  linter = new Linter({ cwd: process.cwd() });
});

function problems(file: string, code: string): string[] {
  const config: Linter.Config = {
    files: ['**/*.ts'],
    languageOptions: { parser: tseslint.parser },
    plugins: { pca },
    rules: { 'pca/feature-boundaries': 'error', 'pca/http-at-the-edge': 'error' },
  };
  return linter
    .verify(code, [config], { filename: path.resolve(file) })
    .map((message) => message.messageId ?? message.message);
}

/** A planted import: the file it is planted in, the code, and the problems the rules must report (none: allowed). */
type Planted = readonly [file: string, code: string, verdict: readonly string[]];

/** Plants each import and compares every verdict at once, so a failure names each case that went wrong, with its file and code. */
function expectVerdicts(cases: readonly Planted[]): void {
  expect(cases.map(([file, code]) => [file, code, problems(file, code)])).toEqual(
    cases.map(([file, code, verdict]) => [file, code, verdict]),
  );
}

describe('feature boundaries', () => {
  it("refuses a file that reaches into another feature's internals, type imports and re-exports included", () => {
    expectVerdicts([
      ['src/insights/generate.ts', "import { totalRows } from '../analysis/report/report.js';", ['internals']],
      [
        'src/insights/generate.ts',
        "import type { AnalysisReport } from '../analysis/report/report.js';",
        ['internals'],
      ],
      ['src/insights/summary.ts', "export type { ExecutiveSummary } from '../analysis/analyses.js';", ['internals']],
      ['src/cli/analyze-run.ts', "const m = await import('../reports/render.js');", ['internals']],
    ]);
  });

  it("lets a file import another feature's index, and its own feature's modules", () => {
    expectVerdicts([
      ['src/insights/generate.ts', "import { totalRows } from '../analysis/index.js';", []],
      ['src/reports/deck.ts', "import { totalRows } from '../analysis/pure.js';", []],
      ['src/cli/analyze-run.ts', "import { analyzeFiles } from '../analysis/offline.js';", []],
      ['src/analysis/datasets/datasets.ts', "import { ingest } from '../ingest/ingest.js';", []],
      ['src/commands/create-analysis.ts', "import { storeItems } from '../insights/index.js';", []],
    ]);
  });

  it('holds commands/, the CLI and the server to the indexes too', () => {
    expectVerdicts([
      ['src/commands/create-analysis.ts', "import { storeItems } from '../insights/store.js';", ['internals']],
      ['src/cli/admin-actions.ts', "import { createUser } from '../auth/users.js';", ['internals']],
      ['src/context.ts', "import type { AuthDeps } from './auth/auth-deps.js';", ['internals']],
      ['src/server/access.ts', "import { authenticate } from '../auth/authenticate.js';", ['internals']],
    ]);
  });

  it('lets server/ alone import route registrars, and keeps them out of an index', () => {
    expectVerdicts([
      ['src/server/app.ts', "import { registerAuthRoutes } from '../auth/routes.js';", []],
      ['src/server/app.ts', "import { registerUserRoutes } from '../auth/user-routes.js';", []],
      ['src/runtime.ts', "import { registerAuthRoutes } from './auth/routes.js';", ['internals']],
      ['src/tenancy/routes.ts', "import { registerAuthRoutes } from '../auth/routes.js';", ['internals']],
      ['src/auth/index.ts', "export { registerAuthRoutes } from './routes.js';", ['routeInIndex']],
    ]);
  });

  it('refuses a feature importing its own index (a cycle)', () => {
    expectVerdicts([
      ['src/auth/users.ts', "import { createOrganization } from './index.js';", ['ownIndex']],
      ['src/analysis/routes.ts', "import { KPIS } from './pure.js';", ['ownIndex']],
      ['src/analysis/query.ts', "import { analyzeFiles } from './offline.js';", ['ownIndex']],
      ['src/analysis/index.ts', "export * from './offline.js';", []],
      ['src/analysis/index.ts', "export * from './index.js';", ['ownIndex']],
    ]);
  });

  it('keeps shared layers below the features and services below the composition', () => {
    expectVerdicts([
      ['src/store/leases.ts', "import type { AuditLog } from '../audit/index.js';", ['shared']],
      ['src/errors.ts', "import type { AppContext } from './context.js';", ['shared']],
      ['src/store/leases.ts', "import { isSqlite } from './dialect.js';", []],
      ['src/auth/users.ts', "import type { AppContext } from '../context.js';", ['upward']],
      ['src/tenancy/organizations.ts', "import { runRetention } from '../commands/retention.js';", ['upward']],
      ['src/tenancy/routes.ts', "import { organizationUsage } from '../commands/usage.js';", []],
    ]);
  });

  it('still keeps HTTP at the edge', () => {
    expectVerdicts([
      ['src/auth/users.ts', "import type { FastifyRequest } from 'fastify';", ['http']],
      ['src/auth/users.ts', "import { principalOf } from '../server/access.js';", ['http']],
    ]);
  });
});
