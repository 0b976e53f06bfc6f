import { DuckDBInstance } from '@duckdb/node-api';
import { sniffFile } from '../dist/analysis/ingest/sniff.js';
import { planIngest } from '../dist/analysis/ingest/plan.js';
import { unifiedRelationSql } from '../dist/analysis/ingest/load.js';
const file = '/tmp/export-1m.csv';
const inst = await DuckDBInstance.create(':memory:', { threads: '2', memory_limit: '2GB', preserve_insertion_order: 'false' });
const c = await inst.connect();
const shape = await sniffFile(file); const plan = planIngest(shape, {});
const uni = unifiedRelationSql(file, shape, plan, true);
const canon = `('Meta','Google Ads','Microsoft Ads','LinkedIn','TikTok','Snapchat','DV360','CM360','Pinterest')`;
const guarded = uni.replace(/\(CASE lower\(trim\(c1\)\)/, `(CASE WHEN c1 IN ${canon} THEN c1 ELSE (CASE lower(trim(c1))`).replace(/ELSE NULLIF\(trim\(c1\), ''\) END\) AS platform/, `ELSE NULLIF(trim(c1), '') END) END) AS platform`);
if (guarded === uni) throw new Error('no replace');
const noplat = uni.replace(/\(CASE lower\(trim\(c1\)\)[^]*?END\) AS platform/, 'c1 AS platform');
const res = { uni: [], guarded: [], noplat: [] };
for (let r = 0; r < 6; r++) for (const [k, q] of [['uni', uni], ['guarded', guarded], ['noplat', noplat]]) { const s = performance.now(); await c.run(`CREATE OR REPLACE TEMP TABLE f0 AS SELECT * FROM ${q}`); res[k].push(Math.round(performance.now() - s)); }
for (const k in res) console.log(k.padEnd(8), res[k].sort((a, b) => a - b).join(' '));
