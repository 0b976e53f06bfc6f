import { openDuckEngine } from './dist/analysis/engine/duckdb.js';
import { ingest } from './dist/analysis/ingest/ingest.js';
import { analyse } from './dist/analysis/engine/analysis.js';
let t = performance.now();
const lap = (l) => { const n = performance.now(); console.log(l, (n - t).toFixed(0)); t = n; };
const duck = await openDuckEngine({ threads: 2, memoryLimit: '2GB' }, '/tmp/duckprof');
lap('open');
await duck.withConnection(async (c) => {
  const r = await ingest(c, 't', { file: '/tmp/gen1m.csv', originalName: 'x.csv', tmpDir: '/tmp' }); lap('ingest ' + r.typed);
  await analyse(c, r.relation, {}, r.profile); lap('analyse');
});
