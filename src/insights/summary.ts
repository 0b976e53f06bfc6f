import type { Finding } from './finding.js';
import type { InsightInput } from './input.js';
import { money, round } from './rules/helpers.js';

export interface ExecutiveSummary {
  readonly id: string;
  readonly text: string;
  readonly source: 'deterministic' | 'llm';
  /** Why an LLM summary was not used, when one was asked for. */
  readonly rejection?: string;
  /** The deterministic text, kept beside an LLM's. */
  readonly deterministic?: string;
  /** The computed facts the text may cite. */
  readonly facts: Readonly<Record<string, number | string | null>>;
}

/** The figures a summary may cite, named. */
export function summaryFacts(input: InsightInput, from: string | null, to: string | null): Record<string, number | string | null> {
  const t = input.totals;
  return {
    currency: input.currency,
    from,
    to,
    platforms: input.breakdowns.platform?.length ?? 0,
    spend: t.spend === null ? null : round(t.spend),
    revenue: t.revenue === null ? null : round(t.revenue),
    roas: t.roas === null ? null : round(t.roas),
    conversions: t.conversions === null ? null : round(t.conversions),
    cpa: t.cpa === null ? null : round(t.cpa),
    ctr: t.ctr === null ? null : round(t.ctr),
  };
}

/** A narrative built only from computed facts and the top findings' own sentences: always available. */
export function deterministicSummary(input: InsightInput, facts: Record<string, number | string | null>, ranked: readonly Finding[]): string {
  const parts: string[] = [];
  const span = facts.from && facts.to ? ` from ${facts.from} to ${facts.to}` : '';
  const platforms = typeof facts.platforms === 'number' && facts.platforms > 1 ? ` across ${facts.platforms} platforms` : '';
  if (typeof facts.spend === 'number') {
    let line = `Spend was ${money(facts.spend, input.currency)}${platforms}${span}`;
    if (typeof facts.revenue === 'number') line += `, returning ${money(facts.revenue, input.currency)} (ROAS ${facts.roas ?? 'not defined'})`;
    if (typeof facts.conversions === 'number') line += `, with ${facts.conversions} conversions${typeof facts.cpa === 'number' ? ` at ${money(facts.cpa, input.currency)} each` : ''}`;
    parts.push(`${line}.`);
  }
  const top = ranked.slice(0, 3);
  if (top.length > 0) parts.push(`What matters most: ${top.map((finding) => finding.sentence.replace(/\.$/, '')).join('; ')}.`);
  const actions = ranked.filter((finding) => finding.recommendation).slice(0, 2);
  if (actions.length > 0) parts.push(`Next: ${actions.map((finding) => finding.recommendation!.action.replace(/\.$/, '')).join('; ')}.`);
  if (parts.length === 0) parts.push('The data holds too little to summarise.');
  return parts.join(' ');
}
