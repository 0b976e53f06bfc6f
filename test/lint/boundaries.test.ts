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
  return linter.verify(code, [config], { filename: path.resolve(file) }).map((message) => message.messageId ?? message.message);
}

describe('feature boundaries', () => {
  it("refuses a file that reaches into another feature's internals, type imports and re-exports included", () => {
    expect(problems('src/insights/generate.ts', "import { totalRows } from '../analysis/report/report.js';")).toEqual(['internals']);
    expect(problems('src/insights/generate.ts', "import type { AnalysisReport } from '../analysis/report/report.js';")).toEqual(['internals']);
    expect(problems('src/insights/summary.ts', "export type { ExecutiveSummary } from '../analysis/analyses.js';")).toEqual(['internals']);
    expect(problems('src/cli/analyze-run.ts', "const m = await import('../reports/render.js');")).toEqual(['internals']);
  });

  it("lets a file import another feature's index, and its own feature's modules", () => {
    expect(problems('src/insights/generate.ts', "import { totalRows } from '../analysis/index.js';")).toEqual([]);
    expect(problems('src/reports/deck.ts', "import { totalRows } from '../analysis/pure.js';")).toEqual([]);
    expect(problems('src/cli/analyze-run.ts', "import { analyzeFiles } from '../analysis/offline.js';")).toEqual([]);
    expect(problems('src/analysis/datasets/datasets.ts', "import { ingest } from '../ingest/ingest.js';")).toEqual([]);
    expect(problems('src/commands/create-analysis.ts', "import { storeItems } from '../insights/index.js';")).toEqual([]);
  });

  it('holds commands/, the CLI and the server to the indexes too', () => {
    expect(problems('src/commands/create-analysis.ts', "import { storeItems } from '../insights/store.js';")).toEqual(['internals']);
    expect(problems('src/cli/admin-actions.ts', "import { createUser } from '../auth/users.js';")).toEqual(['internals']);
    expect(problems('src/context.ts', "import type { AuthDeps } from './auth/auth-deps.js';")).toEqual(['internals']);
    expect(problems('src/server/access.ts', "import { authenticate } from '../auth/authenticate.js';")).toEqual(['internals']);
  });

  it('lets server/ alone import route registrars, and keeps them out of an index', () => {
    expect(problems('src/server/app.ts', "import { registerAuthRoutes } from '../auth/routes.js';")).toEqual([]);
    expect(problems('src/server/app.ts', "import { registerUserRoutes } from '../auth/user-routes.js';")).toEqual([]);
    expect(problems('src/runtime.ts', "import { registerAuthRoutes } from './auth/routes.js';")).toEqual(['internals']);
    expect(problems('src/tenancy/routes.ts', "import { registerAuthRoutes } from '../auth/routes.js';")).toEqual(['internals']);
    expect(problems('src/auth/index.ts', "export { registerAuthRoutes } from './routes.js';")).toEqual(['routeInIndex']);
  });

  it('refuses a feature importing its own index (a cycle)', () => {
    expect(problems('src/auth/users.ts', "import { createOrganization } from './index.js';")).toEqual(['ownIndex']);
    expect(problems('src/analysis/routes.ts', "import { KPIS } from './pure.js';")).toEqual(['ownIndex']);
    expect(problems('src/analysis/query.ts', "import { analyzeFiles } from './offline.js';")).toEqual(['ownIndex']);
    expect(problems('src/analysis/index.ts', "export * from './offline.js';")).toEqual([]);
    expect(problems('src/analysis/index.ts', "export * from './index.js';")).toEqual(['ownIndex']);
  });

  it('keeps shared layers below the features and services below the composition', () => {
    expect(problems('src/store/leases.ts', "import type { AuditLog } from '../audit/index.js';")).toEqual(['shared']);
    expect(problems('src/errors.ts', "import type { AppContext } from './context.js';")).toEqual(['shared']);
    expect(problems('src/store/leases.ts', "import { isSqlite } from './dialect.js';")).toEqual([]);
    expect(problems('src/auth/users.ts', "import type { AppContext } from '../context.js';")).toEqual(['upward']);
    expect(problems('src/tenancy/organizations.ts', "import { runRetention } from '../commands/retention.js';")).toEqual(['upward']);
    expect(problems('src/tenancy/routes.ts', "import { organizationUsage } from '../commands/usage.js';")).toEqual([]);
  });

  it('still keeps HTTP at the edge', () => {
    expect(problems('src/auth/users.ts', "import type { FastifyRequest } from 'fastify';")).toEqual(['http']);
    expect(problems('src/auth/users.ts', "import { principalOf } from '../server/access.js';")).toEqual(['http']);
  });
});
