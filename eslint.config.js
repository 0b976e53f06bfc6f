import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/**
 * HTTP stays at the edge: only route files (routes.ts, *-routes.ts, http.ts),
 * server/ itself, the HTTP schema modules and the two places that start a
 * server (runtime.ts, cli/serve.ts) may import fastify, @fastify/* or server/.
 * Services, stores and background work know nothing of HTTP.
 */
const HTTP_FILES = /(^|\/)(routes|[a-z-]+-routes|http)\.ts$|^src\/server\/|^src\/runtime\.ts$|^src\/cli\/serve\.ts$|^src\/auth\/(schemas|browser-session)\.ts$|^src\/analysis\/report\/schema\.ts$/;
const HTTP_MODULE = /^(fastify|@fastify\/.*)$/;

const httpAtTheEdge = {
  meta: { type: 'problem', schema: [], messages: { http: '{{what}} is HTTP: only route files, server/ and the HTTP schema modules import it (see docs/ARCHITECTURE.md).' } },
  create(context) {
    const file = context.filename.slice(context.cwd.length + 1);
    if (!file.startsWith('src/') || HTTP_FILES.test(file)) return {};
    const check = (node) => {
      const specifier = node.source?.value;
      if (typeof specifier !== 'string') return;
      const resolved = specifier.startsWith('.') ? new URL(specifier, `file:///${file}`).pathname.slice(1) : specifier;
      if (HTTP_MODULE.test(specifier) || resolved.startsWith('src/server/')) context.report({ node, messageId: 'http', data: { what: specifier } });
    };
    return { ImportDeclaration: check, ExportNamedDeclaration: check, ExportAllDeclaration: check, ImportExpression: check };
  },
};

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'data/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    plugins: { pca: { rules: { 'http-at-the-edge': httpAtTheEdge } } },
    rules: {
      'pca/http-at-the-edge': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      '@typescript-eslint/no-floating-promises': 'error',
      // Fastify handlers and hooks are async by contract, awaiting or not.
      '@typescript-eslint/require-await': 'off',
    },
  },
  {
    files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: {
      ...tseslint.configs.disableTypeChecked.languageOptions,
      globals: {
        process: 'readonly', console: 'readonly', URL: 'readonly', performance: 'readonly', fetch: 'readonly', Buffer: 'readonly',
        setTimeout: 'readonly', clearTimeout: 'readonly', setInterval: 'readonly', clearInterval: 'readonly', FormData: 'readonly',
        Blob: 'readonly', AbortController: 'readonly', TextEncoder: 'readonly', TextDecoder: 'readonly',
      },
    },
  },
);
