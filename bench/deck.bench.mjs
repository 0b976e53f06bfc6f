// Decks (PDF, PPTX) of a 1,000,000-row analysis, drawn on the deck worker thread as the server draws them.
import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { analyzeFiles } from '../dist/analysis/analyze-files.js';
import { openDuckEngine } from '../dist/analysis/engine/duckdb.js';
import { offlineContent } from '../dist/commands/analyze-offline.js';
import { createDeckPool, pooledRenderer } from '../dist/reports/deck-pool.js';

export const title = 'Decks of a 1M-row analysis (PDF, PPTX) on the deck worker thread';

const root = path.resolve(import.meta.dirname, '..');
const generator = process.env.PCA_GEN_CAMPAIGNS ?? path.resolve(root, '../shared/data/gen-campaigns.mjs');
const ROWS = 1_000_000;
const RUNS = 3;

async function generate(rows, file) {
  const fd = openSync(file, 'w');
  try {
    await new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [generator, String(rows), '42'], { stdio: ['ignore', fd, 'inherit'] });
      child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`generator exited ${code}`))));
    });
  } finally {
    closeSync(fd);
  }
}

/** Median wall time, the largest RSS growth over the baseline, and the longest event-loop stall while rendering. */
async function measure(render, format, content) {
  const times = [];
  let peak = 0;
  const baseline = process.memoryUsage().rss;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss - baseline)), 5);
  const delay = monitorEventLoopDelay({ resolution: 5 });
  delay.enable();
  for (let run = 0; run < RUNS; run++) {
    const started = performance.now();
    const file = await render(content, format);
    times.push(performance.now() - started);
    if (file.length < 1000) throw new Error(`${format} of ${file.length} bytes`);
  }
  delay.disable();
  clearInterval(sampler);
  times.sort((a, b) => a - b);
  return {
    ms: Math.round(times[Math.floor(times.length / 2)]),
    mb: Math.round(peak / 1024 ** 2),
    blockMs: Math.round(delay.max / 1e6),
  };
}

export async function run() {
  const work = await mkdtemp(path.join(tmpdir(), 'pca-bench-deck-'));
  const file = path.join(work, 'export.csv');
  const duck = await openDuckEngine({ threads: 2, memoryLimit: '2GB' }, path.join(work, 'duckdb'), {
    preserveInsertionOrder: false,
    allowedDirectories: [work],
    allowedPaths: [file],
  });
  const pool = createDeckPool(1);
  try {
    await generate(ROWS, file);
    const request = { files: [file], tmpDir: work, dateRange: {} };
    const now = new Date();
    const content = await offlineContent(duck, request, await analyzeFiles(duck, request, now), now);
    const render = pooledRenderer(pool);
    // The first deck loads pdfmake, pptxgenjs and ECharts in the worker: a cost paid once per instance.
    await render(content, 'pdf');
    await render(content, 'pptx');
    const pdf = await measure(render, 'pdf', content);
    const pptx = await measure(render, 'pptx', content);
    return [
      { name: 'PDF deck, median of 3', value: pdf.ms, unit: 'ms', target: '≤ 2000', ok: pdf.ms <= 2000 },
      { name: 'PPTX deck, median of 3', value: pptx.ms, unit: 'ms', target: '≤ 1000', ok: pptx.ms <= 1000 },
      { name: 'memory added while rendering (PDF)', value: pdf.mb, unit: 'MB', target: '≤ 300', ok: pdf.mb <= 300 },
      { name: 'memory added while rendering (PPTX)', value: pptx.mb, unit: 'MB', target: '≤ 300', ok: pptx.mb <= 300 },
      { name: 'longest event-loop block (PDF)', value: pdf.blockMs, unit: 'ms', target: '≤ 50', ok: pdf.blockMs <= 50 },
      {
        name: 'longest event-loop block (PPTX)',
        value: pptx.blockMs,
        unit: 'ms',
        target: '≤ 50',
        ok: pptx.blockMs <= 50,
      },
      {
        name: 'insights / anomalies in the deck',
        value: `${content.items.filter((item) => item.kind === 'insight').length} / ${content.items.filter((item) => item.kind === 'anomaly').length}`,
        unit: '',
      },
    ];
  } finally {
    await pool.close();
    duck.close();
    await rm(work, { recursive: true, force: true });
  }
}
