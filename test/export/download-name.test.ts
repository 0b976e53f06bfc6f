import { describe, expect, it } from 'vitest';
import { contentDisposition, safeFileBase } from '../../src/export/download.js';

/** What a browser saves: the RFC 5987 name when given, else the quoted ASCII one. */
function savedName(header: string): string {
  const extended = /filename\*=UTF-8''([^;]+)/.exec(header)?.[1];
  return extended ? decodeURIComponent(extended) : /filename="([^"]*)"/.exec(header)![1]!;
}

describe('the name a download is saved under', () => {
  it('keeps a hostile name readable and safe on every system: no separators, quotes or line breaks', () => {
    const base = safeFileBase('Q4 "Brand"/Search\\Retargeting: 🚀 launch\r\nSet-Cookie: a=b <draft>?*|', 'fallback');
    expect(base).toBe('Q4 Brand -Search-Retargeting- 🚀 launch Set-Cookie- a=b draft -');
    expect(base).not.toMatch(/[/\\:*?"<>|\r\n]/);
  });

  it('falls back when nothing is left, and keeps off dots, device names and direction controls', () => {
    expect(safeFileBase(' ..\r\n.. ', 'analysis-an_1')).toBe('analysis-an_1');
    expect(safeFileBase('.hidden.', 'x')).toBe('hidden');
    expect(safeFileBase('CON', 'x')).toBe('_CON');
    expect(safeFileBase('nul.report', 'x')).toBe('_nul.report');
    expect(safeFileBase('invoice\u202Efdp.exe', 'x')).toBe('invoice fdp.exe');
  });

  it('bounds the length in bytes without cutting a character in two', () => {
    const base = safeFileBase('👩‍👩‍👧'.repeat(40), 'x');
    expect(Buffer.byteLength(base)).toBeLessThanOrEqual(150);
    expect(base).toBe('👩‍👩‍👧'.repeat(Math.floor(150 / Buffer.byteLength('👩‍👩‍👧'))));
  });

  it('gives an ASCII name to every client and the full name as filename* when it is not ASCII', () => {
    expect(contentDisposition('November campaigns - 2025-11-01 to 2025-11-28.pdf')).toBe(
      'attachment; filename="November campaigns - 2025-11-01 to 2025-11-28.pdf"',
    );
    const name = `${safeFileBase('Réunion "Q4"/🚀 (final)\r\n', 'x')}.pptx`;
    const header = contentDisposition(name);
    expect(header).toBe(
      'attachment; filename="Reunion Q4 -_ (final).pptx"; filename*=UTF-8\'\'R%C3%A9union%20Q4%20-%F0%9F%9A%80%20%28final%29.pptx',
    );
    expect(header).toMatch(/^[\x20-\x7e]+$/);
    expect(savedName(header)).toBe('Réunion Q4 -🚀 (final).pptx');
  });
});
