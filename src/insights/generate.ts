import { newId } from '../ids.js';
import { insightScore, recommendationScore, type OutcomeStats, type RatingStats } from './feedback-loop.js';
import { anomalyFace, detectAnomalies } from './anomalies.js';
import type { Finding } from './finding.js';
import type { InsightInput } from './input.js';
import { INSIGHT_RULES } from './rules/index.js';
import { deterministicSummary, summaryFacts, type ExecutiveSummary } from './summary.js';
import { round } from './rules/helpers.js';

export type InsightKind = 'insight' | 'recommendation' | 'anomaly';

/** One stored item of an analysis: an insight, a recommendation derived from one, or an anomaly. */
export interface GeneratedItem extends Pick<
  Finding,
  'ruleId' | 'category' | 'priority' | 'subject' | 'title' | 'sentence' | 'evidence'
> {
  readonly id: string;
  readonly kind: InsightKind;
  readonly payload: Record<string, unknown>;
  /** A recommendation's insight. */
  readonly sourceId: string | null;
  /** 1-based position among the items of its kind that are shown; suppressed items come last. */
  readonly rank: number;
  readonly score: number;
  readonly suppressed: boolean;
}

/** What the organisation's feedback says, read before generating. */
export interface FeedbackContext {
  readonly ruleRatings: ReadonlyMap<string, RatingStats>;
  readonly outcomes: ReadonlyMap<string, OutcomeStats>;
  readonly suppressed: ReadonlySet<string>;
}

export interface Generated {
  readonly items: GeneratedItem[];
  /** Shown insights, best first (what a summary may draw on). */
  readonly ranked: Finding[];
  readonly summary: ExecutiveSummary;
}

function byScore<T extends { score: number; suppressed: boolean; tieBreak: string }>(items: T[]): T[] {
  return items.sort(
    (a, b) => Number(a.suppressed) - Number(b.suppressed) || b.score - a.score || a.tieBreak.localeCompare(b.tieBreak),
  );
}

/**
 * A finding without its recommendation when that expects a loss by its own
 * figures (a negative expected impact): the finding still holds, but advice
 * that costs more than it brings is not advice. No rule trades money for
 * something else through its figure (pacing states a budget gap, never
 * negative), so none is exempt.
 */
export function withoutLosingAdvice(finding: Finding): Finding {
  const impact = finding.recommendation?.expectedImpact;
  return !impact || impact.value >= 0 ? finding : findingAlone(finding);
}

const findingAlone = ({ recommendation: _recommendation, ...finding }: Finding): Finding => finding;

/**
 * Runs every rule, ranks what they found by priority × the organisation's
 * smoothed rating of each rule, derives recommendations ranked also by how
 * their type has worked out (never one expecting a loss), and lists the anomalies; suppressed rules still
 * run (their items are stored, flagged, and ranked last).
 */
export function generateInsights(
  input: InsightInput,
  feedback: FeedbackContext,
  period: { from: string | null; to: string | null },
): Generated {
  const findings = INSIGHT_RULES.flatMap((rule) => rule.evaluate(input)).map(withoutLosingAdvice);
  const scored = byScore(
    findings.map((finding) => ({
      finding,
      id: newId('ins'),
      score: insightScore(finding.priority, finding.weight, feedback.ruleRatings.get(finding.ruleId)),
      suppressed: feedback.suppressed.has(finding.ruleId),
      tieBreak: `${finding.ruleId}|${finding.subject}`,
    })),
  );
  const insights: GeneratedItem[] = scored.map((entry, index) => ({
    id: entry.id,
    kind: 'insight',
    ruleId: entry.finding.ruleId,
    category: entry.finding.category,
    priority: entry.finding.priority,
    subject: entry.finding.subject,
    title: entry.finding.title,
    sentence: entry.finding.sentence,
    evidence: entry.finding.evidence,
    payload: { weight: entry.finding.weight },
    sourceId: null,
    rank: index + 1,
    score: round(entry.score, 4),
    suppressed: entry.suppressed,
  }));
  const recommendations = byScore(
    scored.flatMap((entry) => {
      const draft = entry.finding.recommendation;
      if (!draft) return [];
      return [
        {
          entry,
          draft,
          score: recommendationScore(entry.score, feedback.outcomes.get(draft.type)),
          suppressed: entry.suppressed,
          tieBreak: `${draft.type}|${entry.finding.subject}`,
        },
      ];
    }),
  ).map(({ entry, draft, score, suppressed }, index): GeneratedItem => ({
    id: newId('rec'),
    kind: 'recommendation',
    ruleId: entry.finding.ruleId,
    category: entry.finding.category,
    priority: entry.finding.priority,
    subject: entry.finding.subject,
    title: draft.action,
    sentence: draft.action,
    evidence: entry.finding.evidence,
    payload: { type: draft.type, expectedImpact: draft.expectedImpact, assumptions: draft.assumptions },
    sourceId: entry.id,
    rank: index + 1,
    score: round(score, 4),
    suppressed,
  }));
  const anomalies = detectAnomalies(input).listed.map((anomaly, index): GeneratedItem => {
    const { figures, ...words } = anomalyFace(anomaly, input.currency);
    return {
      id: newId('anm'),
      kind: 'anomaly',
      ruleId: 'anomaly.daily_kpi_outlier',
      category: 'anomaly',
      ...words,
      evidence: { figures, rows: [] },
      payload: { ...anomaly },
      sourceId: null,
      rank: index + 1,
      score: anomaly.stake,
      suppressed: false,
    };
  });
  const ranked = scored.filter((entry) => !entry.suppressed).map((entry) => entry.finding);
  const facts = summaryFacts(input, period.from, period.to);
  return {
    items: [...insights, ...recommendations, ...anomalies],
    ranked,
    summary: { id: newId('sum'), text: deterministicSummary(input, facts, ranked), source: 'deterministic', facts },
  };
}
