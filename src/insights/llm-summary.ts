import type { LlmConfig } from '../config.js';
import { askModel } from '../llm/index.js';
import type { Finding } from './finding.js';

/** Per-category guidance from the organisation's ratings, for the prompt. */
export interface CategoryGuidance {
  readonly category: string;
  readonly average: number;
  readonly ratings: number;
}

const NUMBER = /-?\d[\d,]*(?:\.\d+)?/g;

function numbersIn(text: string): number[] {
  return (text.match(NUMBER) ?? [])
    .map((token) => Number(token.replace(/,/g, '')))
    .filter((value) => Number.isFinite(value));
}

/**
 * The numbers a summary may cite: every number in the facts and in the
 * findings it was given (their sentences and evidence), nothing else.
 */
export function citableNumbers(facts: Readonly<Record<string, unknown>>, findings: readonly Finding[]): number[] {
  const texts = [
    JSON.stringify(facts),
    ...findings.flatMap((finding) => [finding.sentence, JSON.stringify(finding.evidence.figures)]),
  ];
  return [...new Set(texts.flatMap(numbersIn))];
}

/** A cited number matches a fact when equal, or equal once the fact is rounded as a writer would. */
function matches(cited: number, fact: number): boolean {
  if (cited === fact) return true;
  return (
    [0, 1, 2].some((digits) => Math.round(fact * 10 ** digits) / 10 ** digits === cited) ||
    Math.abs(cited - fact) <= Math.abs(fact) * 0.001
  );
}

/** The numbers of `text` that none of the facts supports. */
export function unsupportedNumbers(text: string, allowed: readonly number[]): number[] {
  return numbersIn(text).filter((cited) => !allowed.some((fact) => matches(cited, fact)));
}

export function summaryPrompt(
  facts: Readonly<Record<string, unknown>>,
  findings: readonly Finding[],
  guidance: readonly CategoryGuidance[],
): { system: string; user: string } {
  const system = [
    'You write the executive summary of a paid-media campaign analysis for a marketing lead.',
    'Use only the facts given. Cite no number that is not in them, and do not invent causes.',
    'Four to six plain sentences, no headings, no lists.',
  ].join(' ');
  const lines = [
    `Facts: ${JSON.stringify(facts)}`,
    'Findings, most important first:',
    ...findings.map(
      (finding, index) =>
        `${index + 1}. [${finding.category}] ${finding.sentence}${finding.recommendation ? ` Recommended: ${finding.recommendation.action}` : ''}`,
    ),
  ];
  if (guidance.length > 0) {
    lines.push('What this organisation values, from its ratings (average out of 5):');
    for (const item of guidance) {
      const advice =
        item.average >= 3.5
          ? 'lead with these'
          : item.average <= 2.5
            ? 'mention these briefly, if at all'
            : 'keep these in proportion';
      lines.push(`- ${item.category}: ${item.average} over ${item.ratings} ratings; ${advice}.`);
    }
  }
  return { system, user: lines.join('\n') };
}

export type LlmSummaryOutcome =
  | { readonly kind: 'accepted'; readonly text: string }
  | { readonly kind: 'rejected'; readonly reason: string; readonly text?: string };

/** Asks the LLM for a summary and keeps it only if every number in it is among the facts. */
export async function llmSummary(
  config: LlmConfig,
  facts: Readonly<Record<string, unknown>>,
  findings: readonly Finding[],
  guidance: readonly CategoryGuidance[],
): Promise<LlmSummaryOutcome> {
  const asked = await askModel(config, summaryPrompt(facts, findings, guidance));
  if (!asked.ok) return { kind: 'rejected', reason: asked.reason };
  const text = asked.text;
  const unsupported = unsupportedNumbers(text, citableNumbers(facts, findings));
  if (unsupported.length > 0)
    return {
      kind: 'rejected',
      reason: `cites numbers not among the facts: ${unsupported.slice(0, 5).join(', ')}`,
      text,
    };
  return { kind: 'accepted', text };
}
