import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderReport } from '../../src/analysis/report/render.js';
import { analysisHarness, type AnalysisHarness } from '../analysis/helpers.js';
import { runCli } from '../helpers/cli.js';

const HOSTILE_CAMPAIGNS = [
  '<img src=x onerror=alert(1)>',
  '[click me](javascript:alert(1))',
  '<javascript:alert(2)>',
  '![pixel](http://evil/p.png)',
  'two\n<script>lines</script>',
];

function hostileCsv(): string {
  const cell = (text: string) => `"${text.replace(/"/g, '""')}"`;
  return `Date,Campaign,Spend\n${HOSTILE_CAMPAIGNS.map((campaign, index) => `2025-11-0${index + 1},${cell(campaign)},${index + 1}`).join('\n')}\n`;
}

/** What a Markdown renderer would turn into markup rather than show as text. */
function expectInert(markdown: string): void {
  expect(markdown).not.toMatch(/<(img|script|javascript)/i);
  expect(markdown).not.toMatch(/\]\((javascript|http)/i);
  expect(markdown).not.toMatch(/!\[/);
  expect(markdown).toContain('&lt;img src=x onerror=alert\\(1\\)&gt;');
  expect(markdown).toContain('\\[click me\\]\\(javascript:alert\\(1\\)\\)');
}

describe('the Markdown export of data from a file', () => {
  let h: AnalysisHarness;
  beforeAll(async () => {
    h = await analysisHarness();
  });
  afterAll(() => h.close());

  it('escapes raw HTML, links and images in cells, file names and headers', async () => {
    const file = await h.write('<b onclick=x>report.csv', hostileCsv());
    const report = await h.analyze([file]);
    const markdown = renderReport(report, 'md');
    expectInert(markdown);
    expect(markdown).toMatch(/Dataset: .*&lt;b onclick=x&gt;report\.csv/);
    // The terminal report shows the text as it is.
    expect(renderReport(report, 'text')).toContain('[click me](javascript:alert(1))');
  });

  it('pca analyze --format md writes inert Markdown', async () => {
    const file = await h.write('hostile.csv', hostileCsv());
    const result = await runCli(['analyze', file, '--format', 'md'], {});
    expect(result.code).toBe(0);
    expectInert(result.stdout);
  });
});
