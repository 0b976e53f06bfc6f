import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Table } from '../../src/reports/deck.js';
import { CAPTION_HEIGHT, flowTables, layoutTable, MIN_FONT, textWidth } from '../../src/reports/deck-layout.js';
import { runCli } from '../helpers/cli.js';
import { slidesOf, unzipText } from './deck-files.js';

const WIDTH = 9.2;
const REGION = { top: 0.8, bottom: 5.35, width: WIDTH };
const sum = (values: readonly number[]) => values.reduce((total, value) => total + value, 0);

describe('deck table layout', () => {
  it('gives a single column what its text needs, at the largest font', () => {
    const layout = layoutTable({ header: ['Campaign'], rows: [['Brand'], ['Retargeting']] }, WIDTH, { maxFont: 10 });
    expect(layout.fontSize).toBe(10);
    expect(layout.colW).toHaveLength(1);
    expect(layout.width).toBeLessThan(WIDTH / 2);
    expect(layout.width).toBeGreaterThan(textWidth('Retargeting', 10));
  });

  it('lays out an empty table as its header alone and places it once', () => {
    const table: Table = { header: ['File', 'Rows'], rows: [] };
    expect(layoutTable(table, WIDTH, { maxFont: 10 }).rows).toEqual([]);
    const slides = flowTables([{ caption: 'Files', table, maxFont: 10 }], REGION);
    expect(slides).toHaveLength(1);
    expect(slides[0]).toHaveLength(1);
    expect(slides[0]![0]).toMatchObject({ caption: 'Files', count: 0 });
  });

  it('keeps a 60-character campaign name to two lines and figures on one, right-aligned', () => {
    const name = 'Q4 Holiday Prospecting — Lookalike 1% Purchasers — Broad Vid';
    expect(name).toHaveLength(60);
    const table: Table = {
      header: ['Campaign', 'Spend', 'Revenue', 'ROAS', 'Conversions', 'CPA', 'Clicks', 'CTR'],
      rows: [[name, '123,456.78 EUR', '987,654.32 EUR', '8.00', '12,345', '10.00 EUR', '123,456', '2.35%']],
    };
    const layout = layoutTable(table, WIDTH, { maxFont: 10 });
    expect(layout.align).toEqual(['left', ...Array<string>(7).fill('right')]);
    // Every figure fits its column on one line.
    table.rows[0]!.slice(1).forEach((cell, index) =>
      expect(textWidth(cell, layout.fontSize)).toBeLessThan(layout.colW[index + 1]!),
    );
    expect(layout.rowH[0]).toBeLessThanOrEqual(layout.headerH * 2);
    expect(textWidth(name, layout.fontSize)).toBeLessThan(2 * layout.colW[0]!);
    expect(layout.width).toBeLessThanOrEqual(WIDTH + 1e-9);
  });

  it('shrinks the font for 13 columns but never below 7 pt, within the width', () => {
    const header = ['Campaign', ...Array.from({ length: 12 }, (_, index) => `Metric ${index + 1}`)];
    const row = ['Brand search', ...Array.from({ length: 12 }, () => '1,234,567.89 USD')];
    const layout = layoutTable({ header, rows: [row] }, WIDTH, { maxFont: 10 });
    expect(layout.fontSize).toBeLessThan(10);
    expect(layout.fontSize).toBeGreaterThanOrEqual(MIN_FONT);
    expect(layout.colW).toHaveLength(13);
    expect(layout.width).toBeLessThanOrEqual(WIDTH + 1e-9);
  });

  it('splits 200 rows across slides, every row once and in order, each slide within its height', () => {
    const rows = Array.from({ length: 200 }, (_, index) => [`file-${index}.csv`, String(index)]);
    const slides = flowTables(
      [
        { caption: 'Data quality', table: { header: ['File', 'Rows'], rows }, maxFont: 10 },
        { caption: 'Files', table: { header: ['File', 'Platform'], rows: [['a.csv', 'Meta']] }, maxFont: 10 },
      ],
      REGION,
    );
    expect(slides.length).toBeGreaterThan(3);
    const parts = slides.flat().filter((part) => part.caption?.startsWith('Data quality'));
    expect(parts.flatMap((part) => part.layout.rows.slice(part.from, part.from + part.count))).toEqual(rows);
    expect(parts[0]!.caption).toBe('Data quality');
    expect(parts.slice(1).every((part) => part.caption === 'Data quality (continued)')).toBe(true);
    for (const part of slides.flat()) {
      expect(part.layout.header.length).toBeGreaterThan(0);
      expect(part.y).toBeGreaterThanOrEqual(REGION.top);
      expect(part.tableY + part.height).toBeLessThanOrEqual(REGION.bottom + 1e-9);
    }
    // Tables on one slide never overlap.
    for (const slide of slides)
      slide
        .slice(1)
        .forEach((part, index) => expect(part.y).toBeGreaterThan(slide[index]!.tableY + slide[index]!.height));
  });

  it('cuts a cell taller than a slide with "…" rather than letting the row run off', () => {
    const warning = 'A warning that goes on. '.repeat(400);
    const slides = flowTables(
      [{ caption: 'Data quality', table: { header: ['File', 'Warnings'], rows: [['a.csv', warning]] }, maxFont: 10 }],
      REGION,
    );
    const part = slides[0]![0]!;
    expect(part.count).toBe(1);
    expect(part.layout.rows[0]![1]).toMatch(/…$/);
    expect(part.tableY + part.height).toBeLessThanOrEqual(REGION.bottom + 1e-9);
    expect(sum(part.layout.rowH) + part.layout.headerH + CAPTION_HEIGHT).toBeLessThanOrEqual(
      REGION.bottom - REGION.top + 1e-9,
    );
  });
});

describe('the appendix of a deck of many files', () => {
  it('continues on a slide with the header repeated, and names every file', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'pca-deck-layout-'));
    try {
      const names = Array.from({ length: 18 }, (_, index) => `spring-campaign-export-part-${index + 1}.csv`);
      for (const [index, name] of names.entries()) {
        const lines = ['Date,Platform,Campaign,Currency,Impressions,Clicks,Spend,Conversions,Revenue'];
        for (let day = 1; day <= 5; day++)
          lines.push(`2025-03-0${day},Meta,Campaign ${index},USD,1000,${20 + day},${50 + index}.5,2,${120 + day}`);
        await writeFile(path.join(dir, name), `${lines.join('\n')}\n`);
      }
      const out = path.join(dir, 'deck.pptx');
      const run = await runCli(
        ['analyze', ...names.map((name) => path.join(dir, name)), '--format', 'pptx', '--out', out],
        { PCA_DATA_DIR: dir },
        60_000,
      );
      expect(run.code, run.stderr).toBe(0);
      const slides = slidesOf(await unzipText(await readFile(out)));
      const appendix = slides.filter((slide) => slide.texts[0]?.startsWith('Appendix: data quality and files'));
      expect(appendix.length).toBeGreaterThan(1);
      expect(appendix[0]!.texts.slice(0, 3)).toEqual(['Appendix: data quality and files', 'Data quality', 'File']);
      for (const slide of appendix.slice(1)) {
        expect(slide.texts[0]).toBe('Appendix: data quality and files (continued)');
        expect(slide.texts[1]).toMatch(/^(Data quality|Files)( \(continued\))?$/);
        expect(slide.texts[2]).toBe('File');
      }
      const texts = appendix.flatMap((slide) => slide.texts);
      expect(texts).toContain('Files');
      // Each file shows once in the quality table and once in the files table: no row dropped.
      for (const name of names) expect(texts.filter((text) => text.endsWith(name))).toHaveLength(2);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 90_000);
});
