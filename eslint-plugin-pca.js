/**
 * The project's own lint rules: where HTTP may appear, and who may import whom
 * (docs/ARCHITECTURE.md, "Who may import whom").
 */

/** Shared layers: below every feature; they import only each other. */
const SHARED = /^src\/(config|errors|ids|version)\.ts$|^src\/(store|runtime|export|charts)\//;
/** Composition: above the features; they reach features only through their index.ts. */
const COMPOSITION = /^src\/(context|runtime)\.ts$|^src\/(commands|cli|server)\//;
/** Route registrars: the HTTP edge of a feature, imported by server/ (the composition root) only. */
const ROUTE_FILE = /(^|\/)(routes|[a-z-]+-routes)\.ts$/;
/** A feature's public faces: the whole (index.ts) and the narrower ones that load less (pure.ts, offline.ts). */
const FACES = ['index.ts', 'pure.ts', 'offline.ts'];

/**
 * HTTP stays at the edge: only route files (routes.ts, *-routes.ts, http.ts),
 * server/ itself, the HTTP schema modules and the two places that start a
 * server (runtime.ts, cli/serve.ts) may import fastify, @fastify/* or server/.
 * Services, stores and background work know nothing of HTTP.
 */
const HTTP_FILES =
  /(^|\/)(routes|[a-z-]+-routes|http)\.ts$|^src\/server\/|^src\/runtime\.ts$|^src\/cli\/serve\.ts$|^src\/auth\/(schemas|browser-session)\.ts$|^src\/analysis\/report\/schema\.ts$/;
const HTTP_MODULE = /^(fastify|@fastify\/.*)$/;

/** The file being linted and a specifier, both as paths from the project root (src/...). */
function paths(context, specifier) {
  const file = context.filename
    .slice(context.cwd.length + 1)
    .split('\\')
    .join('/');
  const resolved = specifier.startsWith('.')
    ? new URL(specifier, `file:///${file}`).pathname.slice(1).replace(/\.js$/, '.ts')
    : null;
  return { file, resolved };
}

function onImports(check) {
  const visit = (node) => {
    if (typeof node.source?.value === 'string') check(node, node.source.value);
  };
  return {
    ImportDeclaration: visit,
    ExportNamedDeclaration: visit,
    ExportAllDeclaration: visit,
    ImportExpression: visit,
  };
}

const httpAtTheEdge = {
  meta: {
    type: 'problem',
    schema: [],
    messages: {
      http: '{{what}} is HTTP: only route files, server/ and the HTTP schema modules import it (see docs/ARCHITECTURE.md).',
    },
  },
  create(context) {
    const { file } = paths(context, '');
    if (!file.startsWith('src/') || HTTP_FILES.test(file)) return {};
    return onImports((node, specifier) => {
      const { resolved } = paths(context, specifier);
      if (HTTP_MODULE.test(specifier) || resolved?.startsWith('src/server/'))
        context.report({ node, messageId: 'http', data: { what: specifier } });
    });
  },
};

/**
 * Features are the folders of src/ that are neither shared layers nor composition.
 * A file reaches another feature only through that feature's index.ts, or its pure.ts
 * (the part that loads no store, DuckDB or HTTP schema, for worker threads), or its
 * offline.ts (DuckDB over files without the store, for `pca analyze`); server/
 * alone also imports route registrars. Inside a feature, files import each other, never
 * their own faces (that would be a cycle); an index re-exports its pure.ts and offline.ts. A feature's non-HTTP files import no
 * composition (commands/, context.ts, ...); shared layers import no feature. The
 * index.ts of a feature exports no route file.
 */
const featureBoundaries = {
  meta: {
    type: 'problem',
    schema: [],
    messages: {
      internals:
        "{{what}} is inside the feature '{{feature}}': import it from src/{{feature}}/index.ts, pure.ts or offline.ts (see docs/ARCHITECTURE.md).",
      ownIndex: "A file of '{{feature}}' imports its own modules, not its index.ts, pure.ts or offline.ts.",
      shared:
        '{{file}} is a shared layer: it imports only config, errors, ids, version, store/, runtime/, export/ and charts/, not {{what}}.',
      upward: '{{what}} composes features: a service of a feature does not import it (only route files do).',
      routeInIndex:
        "A feature's index.ts, pure.ts or offline.ts does not export its route registrar ({{what}}): server/ imports that directly.",
    },
  },
  create(context) {
    const { file } = paths(context, '');
    if (!file.startsWith('src/')) return {};
    const featureOf = (p) =>
      p && !SHARED.test(p) && !COMPOSITION.test(p) ? /^src\/([^/]+)\//.exec(p)?.[1] : undefined;
    const own = featureOf(file);
    const isFace = (p, feature) => FACES.some((face) => p === `src/${feature}/${face}`);
    return onImports((node, specifier) => {
      const { resolved } = paths(context, specifier);
      if (!resolved?.startsWith('src/')) return;
      const target = featureOf(resolved);
      const isIndex = target !== undefined && isFace(resolved, target);
      const report = (messageId, data) => context.report({ node, messageId, data: { what: specifier, file, ...data } });
      if (SHARED.test(file) && !SHARED.test(resolved)) return report('shared');
      if (own && isFace(file, own) && ROUTE_FILE.test(resolved)) return report('routeInIndex');
      if (own && !HTTP_FILES.test(file) && COMPOSITION.test(resolved) && !resolved.startsWith('src/server/'))
        return report('upward');
      if (target === undefined) return;
      // The index is the narrower faces plus the rest: it re-exports them rather than listing them again.
      const indexOfPure = file === `src/${own}/index.ts` && resolved !== file && isFace(resolved, own);
      if (target === own) return isIndex && !indexOfPure ? report('ownIndex', { feature: own }) : undefined;
      if (isIndex) return;
      if (file.startsWith('src/server/') && ROUTE_FILE.test(resolved)) return;
      report('internals', { feature: target });
    });
  },
};

export const pca = { rules: { 'http-at-the-edge': httpAtTheEdge, 'feature-boundaries': featureBoundaries } };
