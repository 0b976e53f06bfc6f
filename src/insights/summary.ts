import type { Finding } from './finding.js';
import type { InsightInput } from './input.js';
import { formatDays, formatMoney, formatRatio, listOf, plural } from '../analysis/pure.js';
import { coverageOf, leftOutPhrase, notReporting, round } from './rules/helpers.js';

export type { ExecutiveSummary } from '../analysis/index.js';

/** The figures a summary may cite, named. */
export function summaryFacts(
  input: InsightInput,
  from: string | null,
  to: string | null,
): Record<string, number | string | null> {
  const t = input.totals;
  const revenueCoverage = t.revenue === null ? null : coverageOf(t, 'revenue');
  const conversionsCoverage = t.conversions === null ? null : coverageOf(t, 'conversions');
  return {
    currency: input.currency,
    from,
    to,
    platforms: input.breakdowns.platform?.length ?? 0,
    spend: t.spend === null ? null : round(t.spend),
    revenue: t.revenue === null ? null : round(t.revenue),
    roas: t.roas === null ? null : round(t.roas),
    /** Percent of spend on rows that report revenue (ROAS's base); the same for conversions (CPA's). */
    roasCoveragePercent: revenueCoverage === null ? null : round(revenueCoverage * 100, 0),
    conversions: t.conversions === null ? null : round(t.conversions),
    cpa: t.cpa === null ? null : round(t.cpa),
    cpaCoveragePercent: conversionsCoverage === null ? null : round(conversionsCoverage * 100, 0),
    ctr: t.ctr === null ? null : round(t.ctr),
  };
}

/** " on 62% of spend; LinkedIn reports no revenue" when a KPI covers only part of the spend. */
function coverageClause(
  input: InsightInput,
  percent: number | string | null | undefined,
  measure: 'revenue' | 'conversions',
): string {
  if (typeof percent !== 'number' || percent >= 100) return '';
  const missing = notReporting(input, measure);
  const who =
    missing.length === 0 ? '' : `; ${listOf(missing)} ${missing.length === 1 ? 'reports' : 'report'} no ${measure}`;
  return ` on ${percent}% of spend${who}`;
}

const asSentence = (text: string): string => (/[.!?]$/.test(text) ? text : `${text}.`);

/** A narrative built only from computed facts and the top findings' own sentences: always available. */
export function deterministicSummary(
  input: InsightInput,
  facts: Record<string, number | string | null>,
  ranked: readonly Finding[],
): string {
  const parts: string[] = [];
  const span =
    typeof facts.from === 'string' && typeof facts.to === 'string' ? ` over ${formatDays(facts.from, facts.to)}` : '';
  const platforms =
    typeof facts.platforms === 'number' && facts.platforms > 1 ? ` across ${facts.platforms} platforms` : '';
  if (typeof facts.spend === 'number') {
    const whose =
      input.otherCurrencies.length === 0
        ? ''
        : input.currency === null
          ? ' with no stated currency'
          : ` in ${input.currency}`;
    let line = `Spend${whose} was ${formatMoney(facts.spend, input.currency)}${platforms}${span}`;
    if (typeof facts.revenue === 'number') {
      const roas = typeof facts.roas === 'number' ? formatRatio(facts.roas) : 'not defined';
      line += `, returning ${formatMoney(facts.revenue, input.currency)} (ROAS ${roas}${coverageClause(input, facts.roasCoveragePercent, 'revenue')})`;
    }
    if (typeof facts.conversions === 'number') {
      const cpa =
        typeof facts.cpa === 'number'
          ? ` at ${formatMoney(facts.cpa, input.currency)} each${coverageClause(input, facts.cpaCoveragePercent, 'conversions')}`
          : '';
      line += `, with ${plural(facts.conversions, 'conversion')}${cpa}`;
    }
    parts.push(`${line}.`);
    // The figures above are one currency's: a reader of several platforms must not take them for the whole.
    if (input.otherCurrencies.length > 0) {
      const others = leftOutPhrase(input.otherCurrencies);
      parts.push(`${others.charAt(0).toUpperCase()}${others.slice(1)} are reported apart, never added in.`);
    }
  }
  // Each finding and action stays its own sentence: joined by semicolons, each one's capital
  // ("What matters most: On Meta, …; On TikTok, …") read as a typo to a client.
  const top = ranked.slice(0, 3);
  if (top.length > 0) parts.push(`What matters most: ${top.map((finding) => asSentence(finding.sentence)).join(' ')}`);
  const actions = ranked.filter((finding) => finding.recommendation).slice(0, 2);
  if (actions.length > 0)
    parts.push(`Next: ${actions.map((finding) => asSentence(finding.recommendation!.action)).join(' ')}`);
  if (parts.length === 0) parts.push('The data holds too little to summarise.');
  return parts.join(' ');
}
