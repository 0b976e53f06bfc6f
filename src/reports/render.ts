import type { AnalysisContent } from './content.js';
import { buildDeck } from './deck.js';

/** The formats drawn as a deck (the other exports are text or tables). */
export type DeckFormat = 'pdf' | 'pptx';

/** A deck of an analysis, drawn in the calling thread (the server calls it from a worker thread). */
export async function renderDeck(content: AnalysisContent, format: DeckFormat): Promise<Buffer> {
  const deck = buildDeck(content);
  if (format === 'pptx') return (await import('./pptx.js')).renderPptx(deck);
  return (await import('./pdf.js')).renderPdf(deck);
}
