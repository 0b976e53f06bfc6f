// The JavaScript a browser must load before the dashboard route can render:
// the entry chunk, the dashboard's chunk and every chunk they import statically
// (charts load later, through a dynamic import). Needs `npm run build:web`.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { gzipSync } from 'node:zlib';

export const title = 'Web app: initial JavaScript of the dashboard route';

const root = path.resolve(import.meta.dirname, '../dist/web');
const STATIC_IMPORT = /(?:^|[;\s}])import\s*(?:[\w*{}\s,$]+from\s*)?["'](\.\/[^"']+\.js)["']/g;

async function closure(start) {
  const seen = new Set();
  const pending = [start];
  while (pending.length > 0) {
    const file = pending.pop();
    if (seen.has(file)) continue;
    seen.add(file);
    const code = await readFile(path.join(root, 'assets', file), 'utf8');
    for (const match of code.matchAll(STATIC_IMPORT)) pending.push(path.basename(match[1]));
  }
  return seen;
}

export async function run() {
  const html = await readFile(path.join(root, 'index.html'), 'utf8');
  const entry = /src="\/assets\/([^"]+\.js)"/.exec(html)?.[1];
  if (!entry) throw new Error('dist/web/index.html has no entry script: run npm run build:web');
  const entryCode = await readFile(path.join(root, 'assets', entry), 'utf8');
  const dashboard = /["'](?:\.\/|\/assets\/)?(dashboard-[\w-]+\.js)["']/.exec(entryCode)?.[1];
  if (!dashboard) throw new Error('no dashboard chunk referenced by the entry');
  const files = new Set([...(await closure(entry)), ...(await closure(dashboard))]);
  let gzip = 0;
  let raw = 0;
  for (const file of files) {
    const code = await readFile(path.join(root, 'assets', file));
    raw += code.length;
    gzip += gzipSync(code, { level: 9 }).length;
  }
  const kb = (bytes) => Math.round(bytes / 100) / 10;
  return [
    { name: 'initial JS of /analyses/:id (gzip)', value: kb(gzip), unit: 'kB', target: '≤ 250', ok: gzip <= 250_000 },
    { name: 'initial JS of /analyses/:id (raw)', value: kb(raw), unit: 'kB' },
    { name: 'chunks loaded', value: files.size, unit: 'files' },
  ];
}
