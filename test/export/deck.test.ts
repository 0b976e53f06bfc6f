import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { extremesNote, NOT_ENOUGH_CAMPAIGNS, rankExtremes } from '../../src/analysis/extremes.js';
import { formatMetric } from '../../src/analysis/format.js';
import { exportReport, EXPORT_FORMATS } from '../../src/reports/export.js';
import type { AnalysisReport, ReportRow } from '../../src/analysis/report/report.js';
import { BACKENDS } from '../helpers/backends.js';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { runCli } from '../helpers/cli.js';
import { bearer, type Session, type TestOrg } from '../helpers/identity.js';
import { seedOrg } from '../helpers/seed.js';
import { multipart } from '../helpers/multipart.js';
import { dailyCsv, WINNER_AND_LOSER } from '../helpers/campaigns.js';
import { fixture } from '../analysis/helpers.js';
import { chartSeries, pdfFonts, pdfPages, pdfText, run, slidesOf, unzipText } from './deck-files.js';

/** Four weeks of two platforms' campaigns in USD, with one day's spend far off its usual range (an anomaly). */
function campaignCsv(): string {
  const lines = ['Date,Platform,Campaign,Currency,Impressions,Clicks,Spend,Conversions,Revenue'];
  const campaigns = [
    ['Meta', 'Prospecting', 1.0, 2.4],
    ['Meta', 'Retargeting', 0.6, 4.1],
    ['Google Ads', 'Brand Search', 0.8, 5.2],
    ['Google Ads', '=SUM(A1)', 1.2, 0.7],
  ] as const;
  for (let day = 0; day < 28; day++) {
    const date = new Date(Date.UTC(2025, 10, 1 + day)).toISOString().slice(0, 10);
    campaigns.forEach(([platform, campaign, scale, roas], index) => {
      const wobble = 1 + 0.05 * Math.sin(day + index);
      const spend = Math.round(100 * scale * wobble * (day === 20 && index === 0 ? 9 : 1) * 100) / 100;
      const clicks = Math.round(spend * 2);
      const conversions = Math.round(clicks / 20);
      lines.push(
        [
          date,
          platform,
          campaign,
          'USD',
          clicks * 40,
          clicks,
          spend,
          conversions,
          Math.round(spend * roas * 100) / 100,
        ].join(','),
      );
    });
  }
  return `${lines.join('\n')}\n`;
}

const HAS_TOOLS = await run('sh', [
  '-c',
  'command -v pdftotext && command -v pdffonts && command -v pdftoppm && command -v soffice',
]).then(
  () => true,
  () => false,
);
if (process.env.CI && !HAS_TOOLS) {
  // CI installs poppler-utils and LibreOffice (.ci/run): a silent skip would hide a deck nobody can open.
  throw new Error('CI is set but pdftotext/pdffonts/pdftoppm/soffice are missing: the deck checks would be skipped');
}

/**
 * The campaign names of the campaigns slide's two tables: the texts between "Best" and "Worst" and after
 * "Worst" are a header and `shown` rows of equal width, the name first.
 */
function slideLists(texts: readonly string[], shown: number): { best: string[]; worst: string[] } {
  const names = (cells: readonly string[]) => {
    const width = cells.length / (shown + 1);
    expect(Number.isInteger(width), cells.join(' | ')).toBe(true);
    return Array.from({ length: shown }, (_, row) => cells[width * (row + 1)]!);
  };
  const [best, worst] = [texts.indexOf('Best'), texts.indexOf('Worst')];
  return { best: names(texts.slice(best + 1, worst)), worst: names(texts.slice(worst + 1)) };
}

interface Created {
  id: string;
  result: AnalysisReport & { totals: ReportRow[] };
  summary: { text: string };
}

describe.each(BACKENDS)('decks and exports of an analysis [%s]', (backend) => {
  let t: TestApp;
  let org: TestOrg;
  let work: string;
  let main: Created;
  let mainDataset: string;
  let mixed: Created;
  const as = (session: Session) => bearer(session.accessToken);

  async function upload(name: string, content: string | Buffer): Promise<string> {
    const body = multipart({ name, content });
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/v1/datasets',
      headers: { ...as(org.users.analyst), ...body.headers },
      payload: body.payload,
    });
    expect(response.statusCode, response.body).toBe(201);
    return response.json<{ id: string }>().id;
  }

  async function analyse(datasetIds: string[], name: string): Promise<Created> {
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/v1/analyses',
      headers: as(org.users.analyst),
      payload: { datasetIds, name },
    });
    expect(response.statusCode, response.body).toBe(201);
    return response.json<Created>();
  }

  async function download(id: string, format: string) {
    return t.app.inject({
      method: 'GET',
      url: `/api/v1/analyses/${id}/export?format=${format}`,
      headers: as(org.users.analyst),
    });
  }

  beforeAll(async () => {
    t = await createTestApp(backend, { env: { PCA_LOGIN_RATE_LIMIT: '1000' } });
    org = await seedOrg(t, 'decks');
    work = await mkdtemp(path.join(tmpdir(), 'pca-deck-'));
    mainDataset = await upload('campaigns.csv', campaignCsv());
    main = await analyse([mainDataset], 'November campaigns');
    mixed = await analyse(
      [
        await upload('mixed-currency.csv', await readFile(fixture('mixed-currency.csv'))),
        await upload('linkedin.csv', await readFile(fixture('linkedin.csv'))),
      ],
      'Mixed currencies',
    );
  }, 120_000);
  afterAll(async () => {
    await t.dispose();
    await rm(work, { recursive: true, force: true });
  });

  it('puts the summary, insights, recommendations and anomalies into JSON, CSV, Markdown and XLSX, cells neutralised', async () => {
    const words = (
      await t.app.inject({ method: 'GET', url: `/api/v1/analyses/${main.id}/insights`, headers: as(org.users.analyst) })
    ).json<{
      insights: { sentence: string; title: string; category: string }[];
      recommendations: { sentence: string }[];
      anomalies: { sentence: string }[];
    }>();
    expect(words.insights.length).toBeGreaterThan(0);
    expect(words.anomalies.length).toBeGreaterThan(0);

    const json = JSON.parse((await download(main.id, 'json')).body) as {
      summary: { text: string };
      insights: { sentence: string }[];
      recommendations: unknown[];
      anomalies: { sentence: string }[];
      totals: unknown[];
    };
    expect(json.summary.text).toBe(main.summary.text);
    expect(json.insights.map((item) => item.sentence)).toEqual(words.insights.map((item) => item.sentence));
    expect(json.anomalies.map((item) => item.sentence)).toEqual(words.anomalies.map((item) => item.sentence));
    expect(json.recommendations).toHaveLength(words.recommendations.length);
    expect(json.totals).toEqual(main.result.totals);

    const csv = (await download(main.id, 'csv')).body;
    expect(csv).toMatch(/^executive summary,/m);
    expect(csv.split('\r\n').filter((line) => line.startsWith('insights,'))).toHaveLength(words.insights.length);
    expect(csv.split('\r\n').filter((line) => line.startsWith('anomalies,'))).toHaveLength(words.anomalies.length);
    expect(csv).not.toMatch(/(^|,)"?=/m);
    expect(csv).toContain("'=SUM(A1)");

    const md = (await download(main.id, 'md')).body;
    expect(md).toContain('## Executive summary');
    expect(md).toContain('## Insights');
    expect(md).toContain('## Recommendations');
    expect(md).toContain('## Anomalies');

    const book = new ExcelJS.Workbook();
    await book.xlsx.load((await download(main.id, 'xlsx')).rawPayload as unknown as ExcelJS.Buffer);
    expect(book.getWorksheet('Executive summary')!.getCell('A2').value).toBe(main.summary.text);
    // The anomaly rule's insights restate the anomalies: the workbook lists them on the Anomalies sheet only.
    const shown = words.insights.filter((insight) => insight.category !== 'anomaly');
    const insights = book.getWorksheet('Insights')!;
    expect(insights.rowCount).toBe(shown.length + 1);
    expect(insights.getRow(2).getCell(5).value).toBe(
      shown[0]!.sentence.startsWith('=') ? `'${shown[0]!.sentence}` : shown[0]!.sentence,
    );
    expect(book.getWorksheet('Anomalies')!.rowCount).toBe(words.anomalies.length + 1);
  });

  it('shows each anomaly once, each recommendation once, and evidence in words, in the PPTX, the PDF and the XLSX', async () => {
    const words = (
      await t.app.inject({ method: 'GET', url: `/api/v1/analyses/${main.id}/insights`, headers: as(org.users.analyst) })
    ).json<{
      insights: { category: string; title: string }[];
      recommendations: { title: string; sentence: string }[];
      anomalies: { title: string }[];
    }>();
    // The anomaly rule restates the anomalies among the insights: the documents must not show them twice.
    const anomalyTitles = words.anomalies.map((anomaly) => anomaly.title);
    expect(words.insights.filter((insight) => anomalyTitles.includes(insight.title)).length).toBeGreaterThan(0);
    expect(words.recommendations.every((item) => item.title === item.sentence)).toBe(true);
    const camelCase = /\b[a-z]+[A-Z][A-Za-z]*\b/;

    const slides = slidesOf(await unzipText((await download(main.id, 'pptx')).rawPayload));
    const texts = slides.flatMap((slide) => slide.texts);
    for (const title of anomalyTitles)
      expect(
        texts.filter((text) => text === title),
        title,
      ).toHaveLength(1);
    const anomalies = slides.find((slide) => slide.texts[0] === 'Anomalies')!;
    expect(anomalies.texts).toEqual(expect.arrayContaining(anomalyTitles));
    const recommendations = slides.find((slide) => slide.texts[0] === 'Recommendations')!;
    for (const { sentence } of words.recommendations)
      expect(
        recommendations.texts.filter((text) => text === sentence),
        sentence,
      ).toHaveLength(1);
    const notes = slides.filter((slide) => slide.notes.includes('Evidence')).map((slide) => slide.notes);
    expect(notes.join(' ')).toContain('Overall ROAS: ');
    for (const note of notes) expect(note).not.toMatch(camelCase);

    const book = new ExcelJS.Workbook();
    await book.xlsx.load((await download(main.id, 'xlsx')).rawPayload as unknown as ExcelJS.Buffer);
    expect(book.getWorksheet('Summary')!.getCell('A1').value).toBe('November campaigns · Nov 1 – 28, 2025');
    const insights = book.getWorksheet('Insights')!;
    const evidence = (insights.getColumn(6).values as unknown[]).slice(2).map(String);
    expect(evidence.join(' ')).toContain('Overall ROAS: ');
    for (const text of evidence) expect(text).not.toMatch(/[{"]|\b[a-z]+[A-Z]/);
    expect(insights.rowCount).toBe(words.insights.filter((insight) => insight.category !== 'anomaly').length + 1);

    if (!HAS_TOOLS) return;
    const file = path.join(work, `${backend}-once.pdf`);
    await writeFile(file, (await download(main.id, 'pdf')).rawPayload);
    const text = (await pdfText(file)).replace(/\s+/g, ' ');
    for (const title of anomalyTitles) expect(text.split(title), title).toHaveLength(2);
    // The executive summary may cite a recommendation; its page says each once.
    const page = text.slice(text.lastIndexOf(' Recommendations 1. '), text.indexOf('Appendix: data quality'));
    for (const { sentence } of words.recommendations) expect(page.split(sentence), sentence).toHaveLength(2);
    const lines = [...text.matchAll(/Evidence: (.*?)(?= \d+\. | Appendix| Insights| Recommendations|$)/g)].map(
      ([, line]) => line!,
    );
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.join(' ')).toContain('Overall ROAS: ');
    for (const line of lines) expect(line).not.toMatch(camelCase);
  });

  it('names a download after the analysis and its days, safely for any name', async () => {
    const pdf = await download(main.id, 'pdf');
    expect(pdf.headers['content-disposition']).toBe(
      'attachment; filename="November campaigns - 2025-11-01 to 2025-11-28.pdf"',
    );
    const hostile = await analyse([mainDataset], 'Q4 "Brand"/Search: 🚀\r\nlaunch');
    const header = String((await download(hostile.id, 'xlsx')).headers['content-disposition']);
    expect(header).toBe(
      'attachment; filename="Q4 Brand -Search- _ launch - 2025-11-01 to 2025-11-28.xlsx"; filename*=UTF-8\'\'Q4%20Brand%20-Search-%20%F0%9F%9A%80%20launch%20-%202025-11-01%20to%202025-11-28.xlsx',
    );
  });

  it('answers a format it does not know with a 422 that lists the formats it has', async () => {
    const response = await download(main.id, 'docx');
    expect(response.statusCode).toBe(422);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    const problem = response.json<{ errors: { field: string; message: string }[] }>();
    expect(problem.errors).toEqual([
      { field: '/querystring/format', message: `must be one of: ${EXPORT_FORMATS.join(', ')}` },
    ]);
  });

  it('writes a 16:9 PPTX whose native charts and tables hold the analysis figures and whose notes hold the evidence', async () => {
    const response = await download(main.id, 'pptx');
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe(
      'application/vnd.openxmlformats-officedocument.presentationml.presentation',
    );
    const entries = await unzipText(response.rawPayload);
    expect(entries.get('ppt/presentation.xml')).toMatch(/<p:sldSz cx="9144000" cy="5143500"/);
    const slides = slidesOf(entries);
    const total = main.result.totals[0]!;

    // The summary slide leads with the headline figures as tiles, before the words.
    const summary = slides.find((slide) => slide.texts[0] === 'Executive summary')!;
    expect(summary.texts.slice(1, 11)).toEqual([
      'Spend',
      formatMetric('spend', total.spend as number, 'USD'),
      'Revenue',
      formatMetric('revenue', total.revenue as number, 'USD'),
      'ROAS',
      formatMetric('roas', total.roas as number),
      'Conversions',
      formatMetric('conversions', total.conversions as number),
      'CPA',
      formatMetric('cpa', total.cpa as number, 'USD'),
    ]);
    expect(summary.texts.at(-1)).toBe(main.summary.text);

    const overview = slides.find((slide) => slide.texts[0] === 'KPI overview')!;
    expect(overview.texts).toEqual(
      expect.arrayContaining([
        'Spend',
        formatMetric('spend', total.spend as number, 'USD'),
        'ROAS',
        formatMetric('roas', total.roas as number),
      ]),
    );

    const trend = slides.find((slide) => slide.texts[0]?.startsWith('Spend and revenue by day'))!;
    const [spend, revenue] = chartSeries(entries.get(trend.charts[0]!)!);
    const days = main.result.timeSeries.day!;
    expect(spend).toEqual({
      name: 'Spend',
      labels: days.map((row) => row.period),
      values: days.map((row) => row.spend),
    });
    expect(revenue!.values).toEqual(days.map((row) => row.revenue));

    const efficiency = slides.find((slide) => slide.texts[0]?.startsWith('ROAS and CPA'))!;
    expect(efficiency.charts).toHaveLength(2);
    expect(chartSeries(entries.get(efficiency.charts[0]!)!)[0]!.values).toEqual(days.map((row) => row.roas));

    const platforms = slides.find((slide) => slide.texts[0] === 'Platform breakdown')!;
    const byPlatform = [...main.result.breakdowns.platform!].sort((a, b) => (b.spend as number) - (a.spend as number));
    expect(chartSeries(entries.get(platforms.charts[0]!)!)[0]).toMatchObject({
      labels: byPlatform.map((row) => row.platform),
      values: byPlatform.map((row) => row.spend),
    });
    expect(platforms.texts).toEqual(
      expect.arrayContaining(byPlatform.map((row) => formatMetric('spend', row.spend as number, 'USD'))),
    );

    const insights = slides.find((slide) => slide.texts[0] === 'Insights')!;
    expect(insights.notes).toContain('Evidence');
    const anomalies = slides.find((slide) => slide.texts[0] === 'Anomalies')!;
    expect(anomalies.notes).toMatch(/median/);
    expect(slides.at(-1)!.texts[0]).toBe('Appendix: methodology');
    expect(slides.at(-1)!.texts.join(' ')).toContain('ROAS = sum of revenue ÷ sum of spend');
  });

  it('writes a PDF with the headline figures, the insight sentences, numbered pages and embedded fonts', async () => {
    const response = await download(main.id, 'pdf');
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('application/pdf');
    if (!HAS_TOOLS) return;
    const file = path.join(work, `${backend}.pdf`);
    await writeFile(file, response.rawPayload);
    const text = (await pdfText(file)).replace(/\s+/g, ' ');
    const total = main.result.totals[0]!;
    expect(text).toContain(formatMetric('spend', total.spend as number, 'USD'));
    expect(text).toContain(formatMetric('revenue', total.revenue as number, 'USD'));
    const words = (
      await t.app.inject({ method: 'GET', url: `/api/v1/analyses/${main.id}/insights`, headers: as(org.users.analyst) })
    ).json<{ insights: { sentence: string }[] }>();
    for (const insight of words.insights.slice(0, 3)) expect(text).toContain(insight.sentence.replace(/\s+/g, ' '));
    const pages = await pdfPages(file);
    expect(pages).toBeGreaterThanOrEqual(8);
    expect(text).toContain(`page ${pages} of ${pages}`);
    const fonts = await pdfFonts(file);
    expect(fonts).toMatch(/DejaVuSans\s+CID TrueType\s+Identity-H\s+yes/);
    expect(fonts).not.toMatch(/\bno\s+(yes|no)\s+(yes|no)\s+\d+/);
    await run('pdftoppm', ['-r', '60', '-png', '-f', '1', '-l', '1', file, path.join(work, `${backend}-page`)]);
    expect((await stat(path.join(work, `${backend}-page-01.png`))).size).toBeGreaterThan(5_000);
  });

  it('names in the PPTX and the PDF the best and worst campaigns the dashboard names, by the same rule', async () => {
    const rows = (main.result.breakdowns.campaign ?? []).filter((row) => row.currency === 'USD');
    // What the dashboard card shows for this analysis (web/src/components/dashboard/performers.tsx).
    const dashboard = rankExtremes(rows);
    const note = extremesNote(dashboard, (amount) => formatMetric('spend', amount, 'USD'));
    const name = (row: (typeof rows)[number]) => String(row.campaign);
    // Four campaigns by ROAS: two best, two worst, none called both.
    expect(dashboard.best.map(name)).toEqual(['Brand Search', 'Retargeting']);
    expect(dashboard.worst.map(name)).toEqual(['=SUM(A1)', 'Prospecting']);

    const slides = slidesOf(await unzipText((await download(main.id, 'pptx')).rawPayload));
    const slide = slides.find((entry) => entry.texts[0]?.startsWith('Top and bottom campaigns'))!;
    expect(slide.texts.slice(0, 2)).toEqual(['Top and bottom campaigns by ROAS', note]);
    expect(slideLists(slide.texts, 2)).toEqual({ best: dashboard.best.map(name), worst: dashboard.worst.map(name) });

    if (!HAS_TOOLS) return;
    const file = path.join(work, `${backend}-campaigns.pdf`);
    await writeFile(file, (await download(main.id, 'pdf')).rawPayload);
    const text = (await pdfText(file)).replace(/\s+/g, ' ');
    const section = text.slice(text.indexOf('Top and bottom campaigns by ROAS'));
    expect(section).toContain(note);
    const [best, worst] = section.slice(section.indexOf('Best ')).split(' Worst ');
    for (const campaign of dashboard.best.map(name)) expect(best).toContain(campaign);
    for (const campaign of dashboard.worst.map(name)) expect(worst).toContain(campaign);
    for (const campaign of dashboard.worst.map(name)) expect(best).not.toContain(campaign);
  });

  it('says there is not enough to compare when one campaign is all there is', async () => {
    const single = await analyse(
      [await upload('one.csv', dailyCsv({ from: '2026-03-01', days: 7, campaigns: WINNER_AND_LOSER.slice(0, 1) }))],
      'One campaign',
    );
    const slides = slidesOf(await unzipText((await download(single.id, 'pptx')).rawPayload));
    const slide = slides.find((entry) => entry.texts[0]?.startsWith('Top and bottom campaigns'))!;
    expect(slide.texts).toEqual([
      'Top and bottom campaigns by ROAS',
      'By ROAS (higher is better).',
      NOT_ENOUGH_CAMPAIGNS,
    ]);
    if (!HAS_TOOLS) return;
    const file = path.join(work, `${backend}-single.pdf`);
    await writeFile(file, (await download(single.id, 'pdf')).rawPayload);
    expect((await pdfText(file)).replace(/\s+/g, ' ')).toContain(
      `Top and bottom campaigns by ROAS By ROAS (higher is better). ${NOT_ENOUGH_CAMPAIGNS}`,
    );
  });

  it('keeps currencies apart and reads well without revenue in every format', async () => {
    expect(mixed.result.totals.map((row) => row.currency)).toEqual(['GBP', 'USD']);
    const slides = slidesOf(await unzipText((await download(mixed.id, 'pptx')).rawPayload));
    const titles = slides.map((slide) => slide.texts[0]);
    expect(titles).toEqual(expect.arrayContaining(['KPI overview — GBP', 'KPI overview — USD']));
    // One row of tiles per currency on the summary slide, each tile naming its currency.
    const summary = slides.find((slide) => slide.texts[0] === 'Executive summary')!;
    expect(summary.texts).toEqual(expect.arrayContaining(['Spend · GBP', 'Spend · USD']));
    expect(summary.texts.filter((text) => text.startsWith('Revenue ·'))).toEqual(
      mixed.result.totals.filter((row) => typeof row.revenue === 'number').map((row) => `Revenue · ${row.currency}`),
    );
    const entries = await unzipText((await download(mixed.id, 'pptx')).rawPayload);
    const gbpTrend = slidesOf(entries).find((slide) => slide.texts[0] === 'Spend and revenue by day — GBP')!;
    const gbpDays = mixed.result.timeSeries.day!.filter((row) => row.currency === 'GBP');
    expect(chartSeries(entries.get(gbpTrend.charts[0]!)!)[0]!.values).toEqual(gbpDays.map((row) => row.spend));
    for (const format of EXPORT_FORMATS) {
      const response = await download(mixed.id, format);
      expect(response.statusCode, format).toBe(200);
      expect(response.rawPayload.length, format).toBeGreaterThan(100);
    }
    if (!HAS_TOOLS) return;
    const file = path.join(work, `${backend}-mixed.pdf`);
    await writeFile(file, (await download(mixed.id, 'pdf')).rawPayload);
    const text = (await pdfText(file)).replace(/\s+/g, ' ');
    expect(text).toContain('KPI overview — GBP');
    expect(text).toContain('money is never added across them');
  });

  it('states a warning that several files share once, naming the files, in the PPTX and the PDF', async () => {
    const files = ['week-1.csv', 'week-2.csv', 'week-3.csv', 'week-4.csv'];
    const noCurrency = 'The currency is not stated in the file; money is reported without a currency.';
    const ids: string[] = [];
    // One at a time: an organisation has at most two uploads in progress.
    for (const [week, name] of files.entries())
      ids.push(await upload(name, dailyCsv({ from: `2026-03-0${1 + week}`, days: 1, campaigns: WINNER_AND_LOSER })));
    const weeks = await analyse(ids, 'Four weeks without a currency');
    expect(weeks.result.datasets.map((dataset) => dataset.quality.warnings)).toEqual(files.map(() => [noCurrency]));

    const slides = slidesOf(await unzipText((await download(weeks.id, 'pptx')).rawPayload));
    const texts = slides
      .filter((slide) => slide.texts[0]?.startsWith('Appendix: data quality'))
      .flatMap((s) => s.texts);
    expect(texts.filter((text) => text === noCurrency)).toHaveLength(1);
    expect(texts[texts.indexOf(noCurrency) + 1]).toBe(files.join(', '));

    if (!HAS_TOOLS) return;
    const file = path.join(work, `${backend}-weeks.pdf`);
    await writeFile(file, (await download(weeks.id, 'pdf')).rawPayload);
    const text = (await pdfText(file)).replace(/\s+/g, ' ');
    expect(text.split(noCurrency)).toHaveLength(2);
    expect(text).toContain(`${noCurrency} ${files.join(', ')}`);
  });

  it("lists the analysis's own warnings, such as negative rows in the totals, in the deck and the workbook", async () => {
    const id = await upload(
      'refunds.csv',
      'Date,Platform,Campaign,Spend,Clicks,Currency\n2026-03-01,Meta,A,100,10,USD\n2026-03-02,Meta,A,-30,0,USD\n',
    );
    const refunds = await analyse([id], 'Refunds');
    const warning = 'refunds.csv: 1 row with negative spend (−30.00 USD) is included in the totals.';
    expect(refunds.result.warnings).toContain(warning);
    const texts = slidesOf(await unzipText((await download(refunds.id, 'pptx')).rawPayload))
      .filter((slide) => slide.texts[0]?.startsWith('Appendix: data quality'))
      .flatMap((slide) => slide.texts);
    expect(texts).toContain(warning);
    const workbook = await unzipText((await download(refunds.id, 'xlsx')).rawPayload);
    expect([...workbook.values()].join('\n')).toContain(warning);
  });

  it.runIf(backend === 'sqlite' && HAS_TOOLS)(
    'writes a deck that LibreOffice opens and converts',
    async () => {
      const deck = path.join(work, 'deck.pptx');
      await writeFile(deck, (await download(main.id, 'pptx')).rawPayload);
      await run(
        'soffice',
        [
          `-env:UserInstallation=file://${work}/lo-profile`,
          '--headless',
          '--convert-to',
          'pdf',
          '--outdir',
          work,
          deck,
        ],
        { timeout: 120_000 },
      );
      const pages = await pdfPages(path.join(work, 'deck.pdf'));
      const slides = slidesOf(await unzipText(await readFile(deck))).length;
      expect(pages).toBe(slides);
      expect((await pdfText(path.join(work, 'deck.pdf'))).replace(/\s+/g, ' ')).toContain('Executive summary');
    },
    180_000,
  );
});

describe('decks of an analysis with no row in range', () => {
  const empty: AnalysisReport = {
    generatedAt: '2026-01-01T00:00:00.000Z',
    datasets: [],
    rows: 0,
    dateRange: { from: null, to: null },
    currencies: [],
    totals: [],
    breakdowns: {},
    timeSeries: {},
  };

  it.each(EXPORT_FORMATS)(
    'gives a sensible %s, not a crash',
    async (format) => {
      const file = await exportReport(
        {
          title: 'Nothing in range',
          result: { ...empty, periodOverPeriod: null },
          summary: null,
          items: [],
          branding: null,
        },
        format,
      );
      const body = typeof file.body === 'string' ? Buffer.from(file.body) : (file.body as Buffer);
      expect(body.length).toBeGreaterThan(50);
      if (format === 'md') expect(body.toString()).toContain('No insights for this analysis.');
      if (format === 'pdf' && HAS_TOOLS) {
        const dir = await mkdtemp(path.join(tmpdir(), 'pca-deck-empty-'));
        await writeFile(path.join(dir, 'empty.pdf'), body);
        expect((await pdfText(path.join(dir, 'empty.pdf'))).replace(/\s+/g, ' ')).toContain(
          'No row falls in the range of this analysis',
        );
        await rm(dir, { recursive: true, force: true });
      }
      if (format === 'pptx')
        expect(slidesOf(await unzipText(body)).map((slide) => slide.texts[0])).toContain('KPI overview');
    },
    60_000,
  );
});

describe('pca analyze --format pdf|pptx', () => {
  it('writes decks offline with the insights the server would compute', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'pca-deck-cli-'));
    try {
      const input = path.join(dir, 'campaigns.csv');
      await writeFile(input, campaignCsv());
      const pptx = await runCli(
        ['analyze', input, '--format', 'pptx', '--out', path.join(dir, 'deck.pptx')],
        { PCA_DATA_DIR: dir },
        60_000,
      );
      expect(pptx.code, pptx.stderr).toBe(0);
      const slides = slidesOf(await unzipText(await readFile(path.join(dir, 'deck.pptx'))));
      const insights = slides.find((slide) => slide.texts[0] === 'Insights')!;
      expect(insights.notes).toContain('Evidence');
      expect(slides.find((slide) => slide.texts[0] === 'Anomalies')!.texts.length).toBeGreaterThan(2);
      const pdf = await runCli(
        ['analyze', input, '--format', 'pdf', '--out', path.join(dir, 'deck.pdf'), '--from', '2030-01-01'],
        { PCA_DATA_DIR: dir },
        60_000,
      );
      expect(pdf.code, pdf.stderr).toBe(0);
      if (HAS_TOOLS)
        expect((await pdfText(path.join(dir, 'deck.pdf'))).replace(/\s+/g, ' ')).toContain('No row falls in the range');
      const refused = await runCli(['analyze', input, '--format', 'pdf'], { PCA_DATA_DIR: dir });
      expect(refused.code).not.toBe(0);
      expect(refused.stderr).toContain('--format pdf needs --out');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
