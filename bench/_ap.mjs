import { randomBytes } from 'node:crypto';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { systemRecorder } from '../dist/audit/recorder.js';
import { migrateToLatest, openStore } from '../dist/store/store.js';
const dir = await mkdtemp(path.join(tmpdir(), 'ap-'));
const config = { kind: 'sqlite', file: path.join(dir, 'pca.db') };
const store = openStore(config);
await migrateToLatest(store, config);
const audit = systemRecorder({ key: randomBytes(32), clock: () => new Date() }, 'bench', 'org_bench');
const entry = (i) => ({ action: 'analysis.viewed', target: { type: 'analysis', id: `an_${i}`, name: `Campaign review ${i}` }, details: { format: 'json', rows: i } });
for (let i = 0; i < 200; i++) await audit.record(store.db, entry(i));
for (let r = 0; r < 3; r++) { const s = performance.now(); for (let i = 0; i < 5000; i++) await audit.record(store.db, entry(i)); console.log('appends/s', Math.round(5000 / ((performance.now() - s) / 1000))); }
await store.close();
