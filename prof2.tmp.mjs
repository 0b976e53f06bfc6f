import { openDuckEngine } from './dist/analysis/engine/duckdb.js';
import { sniffFile } from './dist/analysis/ingest/sniff.js';
import { planIngest } from './dist/analysis/ingest/plan.js';
import { unifiedRelationSql } from './dist/analysis/ingest/load.js';
import { summariseRelation } from './dist/analysis/ingest/quality.js';
let t = performance.now();
const lap = (l) => { const n = performance.now(); console.log(l, (n - t).toFixed(0)); t = n; };
const duck = await openDuckEngine({ threads: 2, memoryLimit: '2GB' }, '/tmp/duckprof');
await duck.withConnection(async (c) => {
  const shape = await sniffFile('/tmp/gen1m.csv'); const plan = planIngest(shape); lap('sniff+plan');
  const rel = unifiedRelationSql("/tmp/gen1m.csv", shape, plan, true);
  await c.run(`CREATE OR REPLACE TEMP TABLE t AS SELECT * FROM ${rel}`); lap('ctas');
  await c.run(`CREATE OR REPLACE TEMP TABLE t2 AS SELECT c0, c1, c2,c3,c4,c5,c6,c7,c8,c9 FROM read_csv('/tmp/gen1m.csv', delim=',', quote='"', escape='"', header=true, columns={'c0':'DATE','c1':'VARCHAR','c2':'VARCHAR','c3':'VARCHAR','c4':'VARCHAR','c5':'DOUBLE','c6':'DOUBLE','c7':'DOUBLE','c8':'DOUBLE','c9':'DOUBLE'}, auto_detect=false)`); lap('ctas raw');
  await summariseRelation(c, 't', shape, plan); lap('summary');
});
