import {
  type DimensionFilter,
  type Granularity,
  KPI_DEFINITIONS,
  isKpi,
  type Metric,
  type Threshold,
  type ThresholdOp,
  PLATFORMS,
  type Dimension,
  type Measure,
  listOf,
  metricName,
  nameInSentence,
  pluralOf,
} from '../analysis/index.js';
import {
  addDays,
  dateMentions,
  dayMs,
  periodBefore,
  periodMarkers,
  mondayOf,
  numberOf,
  type DateMention,
  type PeriodMarker,
} from './dates.js';
import {
  AMBIGUOUS_METRICS,
  DIMENSION_PHRASES,
  METRIC_DIRECTION,
  METRIC_PHRASES,
  STOP_WORDS,
  VALUE_ALIASES,
} from './lexicon.js';
import { fold, sameWord, singular, words } from './text.js';
import { matchValues, valueLabel, type Span, type ValueMatch } from './values.js';
import type { Vocabulary } from './vocabulary.js';

export type { ValueMatch };

/** The structured query a question becomes: exactly the body of /api/v1/query without its dataset ids. */
export interface AskQuery {
  readonly metrics: Metric[];
  readonly dimensions: Dimension[];
  readonly filters?: DimensionFilter[];
  readonly granularity?: Granularity;
  readonly dateRange?: { from: string; to: string };
  readonly compareTo?: { from: string; to: string };
  readonly having?: Threshold[];
  readonly orderBy?: { field: string; direction: 'asc' | 'desc' };
  readonly limit?: number;
}

/** "figures": the query's rows are the answer; "why": the change is also broken down by platform and campaign. */
export type AskIntent = 'figures' | 'why';

export interface ClarifyOption {
  readonly label: string;
  /** The question reworded so that it reads one way: asking it again gets an answer. */
  readonly question: string;
}

export type ParseOutcome =
  | {
      readonly kind: 'query';
      readonly intent: AskIntent;
      readonly query: AskQuery;
      readonly interpretation: string;
      readonly matches: ValueMatch[];
      readonly notes: string[];
    }
  | { readonly kind: 'clarify'; readonly question: string; readonly options: ClarifyOption[] }
  | { readonly kind: 'unreadable'; readonly reason: string };

type Phrase =
  | { kind: 'metric'; metric: Metric; tokens: string[] }
  | { kind: 'ambiguous'; options: readonly Metric[]; tokens: string[]; text: string }
  | { kind: 'dimension'; dimension: Dimension; tokens: string[]; plural: boolean };

const PHRASES: readonly Phrase[] = [
  ...Object.entries(METRIC_PHRASES).flatMap(([metric, phrases]) =>
    phrases.map((text): Phrase => ({ kind: 'metric', metric: metric as Metric, tokens: words(text) })),
  ),
  ...AMBIGUOUS_METRICS.map(({ phrase, options }): Phrase => ({
    kind: 'ambiguous',
    options,
    tokens: words(phrase),
    text: phrase,
  })),
  ...Object.entries(DIMENSION_PHRASES).flatMap(([dimension, phrases]) =>
    phrases.map((text): Phrase => ({
      kind: 'dimension',
      dimension: dimension as Dimension,
      tokens: words(text),
      plural: /s$/.test(text) && !/(ss|us)$/.test(text),
    })),
  ),
].sort((a, b) => b.tokens.length - a.tokens.length);

/** Every platform the product knows, by its words: naming one the data lacks is asked back, not ignored. */
const PLATFORM_WORDS = new Map<string, string>(
  PLATFORMS.flatMap((platform) =>
    [fold(platform), ...(VALUE_ALIASES[fold(platform)] ?? [])]
      .filter((text) => !text.includes(' '))
      .map((text): [string, string] => [text, platform]),
  ),
);

const OPERATORS: readonly { tokens: string[]; op: ThresholdOp }[] = [
  ...[
    'under',
    'below',
    'less than',
    'lower than',
    'fewer than',
    '<',
    'beneath',
    'smaller than',
    'worse than',
    'sub',
  ].map((text) => ({ tokens: words(text), op: 'lt' as const })),
  ...[
    'over',
    'above',
    'more than',
    'greater than',
    'higher than',
    '>',
    'exceeding',
    'exceeds',
    'exceeded',
    'bigger than',
    'better than',
    'in excess of',
  ].map((text) => ({ tokens: words(text), op: 'gt' as const })),
  ...['at least', '>=', 'no less than', 'minimum of', 'a minimum of', 'not less than', 'min'].map((text) => ({
    tokens: words(text),
    op: 'gte' as const,
  })),
  ...['at most', '<=', 'no more than', 'up to', 'maximum of', 'a maximum of', 'not more than', 'max'].map((text) => ({
    tokens: words(text),
    op: 'lte' as const,
  })),
].sort((a, b) => b.tokens.length - a.tokens.length);

const RANK_WORDS: Readonly<Record<string, 'best' | 'worst' | 'desc' | 'asc'>> = {
  top: 'best',
  best: 'best',
  leading: 'best',
  strongest: 'best',
  greatest: 'desc',
  worst: 'worst',
  bottom: 'worst',
  weakest: 'worst',
  underperforming: 'worst',
  poorest: 'worst',
  lagging: 'worst',
  highest: 'desc',
  most: 'desc',
  biggest: 'desc',
  largest: 'desc',
  lowest: 'asc',
  least: 'asc',
  fewest: 'asc',
  smallest: 'asc',
  cheapest: 'asc',
};

const TIME_UNITS: Readonly<Record<string, Granularity>> = {
  day: 'day',
  days: 'day',
  daily: 'day',
  date: 'day',
  dates: 'day',
  week: 'week',
  weeks: 'week',
  weekly: 'week',
  month: 'month',
  months: 'month',
  monthly: 'month',
  quarter: 'quarter',
  quarters: 'quarter',
  quarterly: 'quarter',
};

const COMPARE_WORDS = new Set(['vs', 'versus', 'compared', 'against', 'compare', 'v']);
const CHANGE_WORDS = new Set([
  'change',
  'changed',
  'changes',
  'changing',
  'evolve',
  'evolved',
  'move',
  'moved',
  'shift',
  'shifted',
  'differ',
  'difference',
]);
const WHY_WORDS = new Set(['why', 'explain', 'explains', 'caused', 'cause', 'drove', 'driver', 'drivers', 'reason']);
/** Words that pass a verdict ("worth it", "wasting money"): with no figure named, which figure decides is asked, never guessed. */
const JUDGEMENT_WORDS = new Set([
  'worth',
  'worthwhile',
  'waste',
  'wasting',
  'wasted',
  'wasteful',
  'efficient',
  'efficiency',
  'underperforming',
  'overperforming',
]);
/** "Cheapest … for clicks": the price of the thing named, not its count. */
const COST_OF: Partial<Record<Metric, Metric>> = { clicks: 'cpc', conversions: 'cpa', impressions: 'cpm' };
const TOTAL_WORDS = new Set(['total', 'overall', 'combined', 'altogether', 'sum']);
const OVERVIEW: readonly Metric[] = ['spend', 'impressions', 'clicks', 'conversions', 'revenue', 'ctr', 'cpa', 'roas'];
const CURRENCY_SIGNS = new Set(['$', '£', '€']);
const LINK_WORDS = new Set([
  'is',
  'was',
  'were',
  'are',
  'of',
  'at',
  'a',
  'an',
  'the',
  'with',
  'had',
  'has',
  'have',
  'that',
  'where',
  'whose',
  'been',
  'be',
  'got',
  'get',
  'in',
  'and',
  'its',
  'their',
]);

const KNOWN = new Set<string>([
  ...STOP_WORDS,
  ...PHRASES.flatMap((phrase) => phrase.tokens),
  ...OPERATORS.flatMap((operator) => operator.tokens),
  ...Object.keys(RANK_WORDS),
  ...Object.keys(TIME_UNITS),
  ...COMPARE_WORDS,
  ...CHANGE_WORDS,
  ...WHY_WORDS,
  ...TOTAL_WORDS,
  ...'january february march april may june july august september october november december jan feb mar apr jun jul aug sep sept oct nov dec weekend fortnight ytd mtd wow mom yoy qoq q1 q2 q3 q4 first second third fourth'.split(
    ' ',
  ),
  ...'drop dropped dip dipped fall fell decline declined spike spiked jump jumped rise rose increase increased decrease decreased doing do did go up down'.split(
    ' ',
  ),
  ...'had spent made which what ever each every across among campaign doing done going and'.split(' '),
]);
const isKnown = (word: string): boolean => KNOWN.has(word);

function measuresOf(metric: Metric): Measure[] {
  if (metric === 'profit') return ['revenue', 'spend'];
  if (isKpi(metric)) {
    const definition = KPI_DEFINITIONS[metric];
    return [definition.numerator, definition.denominator];
  }
  return [metric];
}

const PHRASE_KEYS = new Set(PHRASES.flatMap((phrase) => phrase.tokens.map(singular)));
const PHRASE_FUZZY = [...new Set(PHRASES.flatMap((phrase) => phrase.tokens))].filter(
  (token) => token.length >= 4 && !/\d/.test(token),
);

/** The schema words each question word stands for: itself or its singular, or (for a word the parser does not know) a near spelling. */
function phraseKeys(w: readonly string[]): Set<string>[] {
  return w.map((word) => {
    const found = new Set<string>();
    if (PHRASE_KEYS.has(singular(word))) found.add(singular(word));
    if (word.length >= 4 && !/\d/.test(word) && !isKnown(word)) {
      for (const token of PHRASE_FUZZY) if (sameWord(word, token, isKnown)) found.add(singular(token));
    }
    return found;
  });
}

interface PhraseHit<P extends Phrase = Phrase> {
  readonly phrase: P;
  readonly span: Span;
}

const PHRASE_TOKEN_KEYS = new Map(PHRASES.map((phrase) => [phrase, phrase.tokens.map(singular)]));

function matchPhrases(w: readonly string[], used: boolean[]): PhraseHit[] {
  const keys = phraseKeys(w);
  const hits: PhraseHit[] = [];
  for (const phrase of PHRASES) {
    const phraseKeys = PHRASE_TOKEN_KEYS.get(phrase)!;
    const n = phraseKeys.length;
    for (let i = 0; i + n <= w.length; i++) {
      if (!keys[i]!.has(phraseKeys[0]!)) continue;
      if (phraseKeys.every((key, k) => !used[i + k] && keys[i + k]!.has(key))) {
        for (let k = 0; k < n; k++) used[i + k] = true;
        hits.push({ phrase, span: { start: i, length: n } });
      }
    }
  }
  return hits.sort((a, b) => a.span.start - b.span.start);
}

/** A number at position i: "$500", "1.5k", "2x", "1%", "100": its value and how many words it took. */
function numberAt(w: readonly string[], i: number): { value: number; length: number; money: boolean } | undefined {
  let j = i;
  const money = CURRENCY_SIGNS.has(w[j] ?? '');
  if (money) j++;
  const word = w[j];
  if (word === undefined) return undefined;
  const match = /^(\d+(?:\.\d+)?)(k|m|x)?$/.exec(word);
  let value: number | undefined;
  if (match) value = Number(match[1]) * (match[2] === 'k' ? 1000 : match[2] === 'm' ? 1_000_000 : 1);
  else if (word === 'zero') value = 0;
  else value = numberOf(word);
  if (value === undefined) return undefined;
  j++;
  if (w[j] === '%' || w[j] === 'percent' || w[j] === 'x' || w[j] === 'times') j++;
  if (w[j] === 'thousand') {
    value *= 1000;
    j++;
  }
  return { value, length: j - i, money };
}

interface ThresholdHit {
  readonly threshold: Omit<Threshold, 'metric'> & { metric?: Metric };
  readonly span: Span;
  readonly money: boolean;
}

/** Conditions such as "ROAS under 1", "more than $500", "at least 100 conversions", "between 1 and 2". */
function matchThresholds(w: readonly string[], used: boolean[]): ThresholdHit[] {
  const found: ThresholdHit[] = [];
  const take = (start: number, length: number) => {
    for (let k = 0; k < length; k++) used[start + k] = true;
  };
  for (let i = 0; i < w.length; i++) {
    if (used[i]) continue;
    if (w[i] === 'between') {
      const low = numberAt(w, i + 1);
      const andAt = low ? i + 1 + low.length : -1;
      const high = low && w[andAt] === 'and' ? numberAt(w, andAt + 1) : undefined;
      if (low && high) {
        const length = andAt + 1 + high.length - i;
        found.push({
          threshold: { op: 'gte', value: low.value },
          span: { start: i, length },
          money: low.money || high.money,
        });
        found.push({
          threshold: { op: 'lte', value: high.value },
          span: { start: i, length },
          money: low.money || high.money,
        });
        take(i, length);
        continue;
      }
    }
    const operator = OPERATORS.find((candidate) =>
      candidate.tokens.every((token, k) => w[i + k] === token && !used[i + k]),
    );
    if (operator) {
      const number = numberAt(w, i + operator.tokens.length);
      if (number) {
        const length = operator.tokens.length + number.length;
        found.push({
          threshold: { op: operator.op, value: number.value },
          span: { start: i, length },
          money: number.money,
        });
        take(i, length);
        continue;
      }
    }
    const number = numberAt(w, i);
    if (number && !w.slice(i, i + number.length).some((_, k) => used[i + k])) {
      // "100 or more", and "50 conversions or more" (the metric's words in between).
      let after = i + number.length;
      for (let gap = 0; gap < 3 && w[after] !== 'or' && after < w.length; gap++) after++;
      if (w[after] !== 'or') after = i + number.length;
      const postfix =
        w[after] === 'or' && ['more', 'above', 'over', 'greater'].includes(w[after + 1] ?? '')
          ? 'gte'
          : w[after] === 'or' && ['less', 'fewer', 'below', 'under'].includes(w[after + 1] ?? '')
            ? 'lte'
            : undefined;
      if (postfix) {
        found.push({
          threshold: { op: postfix, value: number.value },
          span: { start: i, length: number.length },
          money: number.money,
        });
        take(i, number.length);
        take(after, 2);
        continue;
      }
    }
    // "no conversions", "zero clicks"
    if ((w[i] === 'no' || w[i] === 'zero' || w[i] === '0') && i + 1 < w.length && !used[i + 1]) {
      found.push({ threshold: { op: 'lte', value: 0 }, span: { start: i, length: 1 }, money: false });
      take(i, 1);
    }
  }
  return found;
}

const rangeText = (range: { from: string; to: string }) =>
  range.from === range.to ? range.from : `${range.from} to ${range.to}`;
const OP_TEXT: Record<ThresholdOp, string> = { lt: '<', lte: '≤', gt: '>', gte: '≥' };

function clarifyMetric(question: string, said: string, options: readonly Metric[], why: string): ParseOutcome {
  return {
    kind: 'clarify',
    question: `${why} Which did you mean?`,
    options: options.map((metric) => ({
      label: metricName(metric),
      question: replaceWords(question, said, metricName(metric)),
    })),
  };
}

/** The question with a phrase of it replaced (matched on folded words), or with the replacement appended when it is not found. */
function replaceWords(question: string, said: string, replacement: string): string {
  if (said === '') return `${question.replace(/[?.!\s]+$/, '')} by ${replacement}?`;
  const pattern = new RegExp(
    `\\b${said
      .split(' ')
      .map((word) => word.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
      .join('[^a-z0-9]+')}\\b`,
    'i',
  );
  const folded = fold(question);
  const match = pattern.exec(folded);
  if (!match) return `${question.replace(/[?.!\s]+$/, '')} (${replacement})?`;
  return `${question.slice(0, match.index)}${replacement}${question.slice(match.index + match[0].length)}`;
}

/**
 * Reads a question into the structured query of /api/v1/query, against the
 * data in scope (its names, fields and days): deterministic, no model. When a
 * question can be read more than one way it asks back with the readings,
 * each a reworded question; it never picks one silently.
 */
export function parseQuestion(question: string, vocabulary: Vocabulary): ParseOutcome {
  if (question.trim().length === 0) return { kind: 'unreadable', reason: 'The question is empty.' };
  const w = words(question).filter((word) => word !== '?');
  const used = w.map(() => false);
  const notes: string[] = [];
  const anchor = vocabulary.dateRange.to;

  // Names in the data first ("Awareness Q4" is a campaign, not a quarter), then periods, then the schema's words.
  const { matches, spans: matchSpans, ambiguous } = matchValues(w, used, vocabulary, isKnown);
  const relative = relativeComparison(w, used);
  const markers: PeriodMarker[] = periodMarkers(w, used);
  for (const marker of markers) for (let k = 0; k < marker.length; k++) used[marker.start + k] = true;
  const dates: DateMention[] = anchor ? dateMentions(w, used, anchor, isKnown) : [];
  for (const mention of dates) for (let k = 0; k < mention.length; k++) used[mention.start + k] = true;
  if (ambiguous) {
    return {
      kind: 'clarify',
      question: `"${ambiguous.said}" matches more than one name in the data. Which did you mean?`,
      options: ambiguous.values.slice(0, 8).map((candidate) => ({
        label: valueLabel(candidate),
        question: replaceWords(question, ambiguous.said, candidate.value),
      })),
    };
  }
  const absent = w.findIndex((word, i) => !used[i] && PLATFORM_WORDS.has(word));
  if (absent >= 0 && vocabulary.values.platform) {
    return {
      kind: 'clarify',
      question: `The data has no ${PLATFORM_WORDS.get(w[absent]!)} rows. Ask about one of its platforms?`,
      options: vocabulary.values.platform.map((platform) => ({
        label: platform,
        question: replaceWords(question, w[absent]!, platform),
      })),
    };
  }
  const thresholds = matchThresholds(w, used);
  const phrases = matchPhrases(w, used);

  for (const hit of phrases) {
    if (hit.phrase.kind !== 'ambiguous') continue;
    const phrase = hit.phrase;
    if (phrase.text === 'cost per lead' || phrase.text === 'cpl') {
      if (!vocabulary.measures.includes('leads')) {
        notes.push(`"${phrase.text}" read as CPA (spend per conversion): the data has no separate leads column.`);
        continue;
      }
      return clarifyMetric(
        question,
        w.slice(hit.span.start, hit.span.start + hit.span.length).join(' '),
        ['cpa', 'leads'],
        `"${phrase.text}" can be read as CPA (spend per conversion) or as leads.`,
      );
    }
    const said = w.slice(hit.span.start, hit.span.start + hit.span.length).join(' ');
    return clarifyMetric(
      question,
      said,
      phrase.options,
      `"${said}" can mean ${listOf(phrase.options.map((metric) => metricName(metric)))}.`,
    );
  }
  const metricHits: { metric: Metric; span: Span }[] = phrases.flatMap((hit) => {
    if (hit.phrase.kind === 'metric') return [{ metric: hit.phrase.metric, span: hit.span }];
    if (hit.phrase.kind === 'ambiguous') return [{ metric: 'cpa', span: hit.span }];
    return [];
  });
  const dimensionHits = phrases.filter(
    (hit): hit is PhraseHit<Extract<Phrase, { kind: 'dimension' }>> => hit.phrase.kind === 'dimension',
  );

  // Thresholds take the metric next to them: "ROAS under 1", "at least 100 conversions".
  const having: Threshold[] = [];
  for (const hit of thresholds) {
    let metric: Metric | undefined;
    let k = hit.span.start - 1;
    while (k >= 0 && LINK_WORDS.has(w[k]!) && !metricHits.some((m) => m.span.start + m.span.length - 1 === k)) k--;
    metric = metricHits.find((m) => m.span.start + m.span.length - 1 === k)?.metric;
    if (!metric) {
      let j = hit.span.start + hit.span.length;
      while (j < w.length && ['in', 'of', 'the', 'total', 'worth'].includes(w[j]!)) j++;
      metric = metricHits.find((m) => m.span.start === j)?.metric;
    }
    if (!metric) {
      const said = w.slice(hit.span.start, hit.span.start + hit.span.length).join(' ');
      const options: Metric[] = hit.money ? ['spend', 'revenue', 'cpa'] : ['conversions', 'clicks', 'roas'];
      return {
        kind: 'clarify',
        question: `"${said}" of which figure?`,
        options: options.map((option) => ({
          label: metricName(option),
          question: replaceWords(question, said, `${metricName(option)} ${said}`),
        })),
      };
    }
    having.push({ metric, op: hit.threshold.op, value: hit.threshold.value });
  }

  // Ranking: "top 5", "worst", "highest".
  let rank: { kind: 'best' | 'worst' | 'desc' | 'asc'; limit?: number; start: number } | undefined;
  for (let i = 0; i < w.length; i++) {
    if (used[i]) continue;
    const kind = RANK_WORDS[w[i]!];
    if (!kind) continue;
    if (w[i] === 'most' && w[i + 1] === 'expensive') {
      rank = { kind: 'desc', start: i };
      used[i + 1] = true;
    } else rank = { kind, start: i };
    used[i] = true;
    const after = numberOf(w[i + 1]);
    const before = numberOf(w[i - 1]);
    if (after !== undefined && !used[i + 1] && after > 0) {
      rank = { ...rank, limit: after };
      used[i + 1] = true;
    } else if (before !== undefined && !used[i - 1] && before > 0) {
      rank = { ...rank, limit: before };
      used[i - 1] = true;
    }
    break;
  }

  // Time units left over: "by week", "daily", "which day".
  let granularity: Granularity | undefined;
  let timeDimension: { granularity: Granularity; plural: boolean } | undefined;
  for (let i = 0; i < w.length; i++) {
    if (used[i]) continue;
    const unit = TIME_UNITS[w[i]!];
    if (unit) {
      used[i] = true;
      timeDimension = { granularity: unit, plural: /s$/.test(w[i]!) || /ly$/.test(w[i]!) };
      granularity = unit;
    }
  }
  const overTime = w.some(
    (word, i) =>
      !used[i] &&
      (word === 'trend' || word === 'trends' || word === 'trending' || (word === 'over' && w[i + 1] === 'time')),
  );

  // Dimensions: a name of one ("by campaign", "which ad sets"), unless "all" of it is to be totalled.
  const totalAsked = w.some((word) => TOTAL_WORDS.has(word));
  const dimensions: Dimension[] = [];
  let singularNoun = false;
  for (const hit of dimensionHits) {
    let dimension = hit.phrase.dimension;
    const previous = w[hit.span.start - 1];
    if (totalAsked && (previous === 'all' || previous === 'every')) continue;
    // "the Holiday campaign", "campaign 7": the word names the value's dimension, not a breakdown.
    const end = hit.span.start + hit.span.length;
    if (
      matches.some(
        (match, index) =>
          match.dimension === dimension &&
          (matchSpans[index]!.start === end || matchSpans[index]!.start + matchSpans[index]!.length === hit.span.start),
      )
    )
      continue;
    if (dimension === 'channel' && !vocabulary.dimensions.includes('channel')) {
      dimension = 'platform';
      notes.push('"channel" read as platform: the data has no channel column.');
    }
    if (!vocabulary.dimensions.includes(dimension)) {
      const present = vocabulary.dimensions.filter((candidate) => candidate !== 'date' && candidate !== 'currency');
      const said = w.slice(hit.span.start, hit.span.start + hit.span.length).join(' ');
      return {
        kind: 'clarify',
        question: `The data has no ${nameInSentence(dimension)} values. Break it down by another dimension?`,
        options: present.map((candidate) => ({
          label: nameInSentence(candidate),
          question: replaceWords(question, said, nameInSentence(candidate)),
        })),
      };
    }
    if (!dimensions.includes(dimension)) dimensions.push(dimension);
    if (!hit.phrase.plural && !/s$/.test(w[hit.span.start + hit.span.length - 1]!)) singularNoun = true;
  }

  // "by <word we do not know>" asks which dimension was meant.
  for (let i = 0; i + 1 < w.length; i++) {
    if ((w[i] === 'by' || w[i] === 'per') && !used[i + 1] && !isKnown(w[i + 1]!) && /^[a-z]{3,}$/.test(w[i + 1]!)) {
      const present = vocabulary.dimensions.filter((candidate) => candidate !== 'date' && candidate !== 'currency');
      return {
        kind: 'clarify',
        question: `"${w[i + 1]}" is not a dimension of the data. Break it down by which?`,
        options: present.map((candidate) => ({
          label: nameInSentence(candidate),
          question: replaceWords(question, w[i + 1]!, nameInSentence(candidate)),
        })),
      };
    }
  }

  // Names in the data become filters; two names of one dimension compare them side by side.
  const filters: DimensionFilter[] = [];
  for (const match of matches) {
    const existing = filters.find((filter) => filter.dimension === match.dimension);
    if (existing) {
      if (!existing.values.includes(match.value)) (existing.values as string[]).push(match.value);
    } else filters.push({ dimension: match.dimension, values: [match.value] });
    if (match.how !== 'exact') notes.push(`"${match.said}" read as ${nameInSentence(match.dimension)} ${match.value}.`);
  }
  for (const filter of filters)
    if (filter.values.length > 1 && !dimensions.includes(filter.dimension)) dimensions.push(filter.dimension);

  // Metrics, in the order they were named.
  let metrics: Metric[] = [];
  for (const hit of metricHits) if (!metrics.includes(hit.metric)) metrics.push(hit.metric);
  if (w.some((word) => word === 'cheapest' || word === 'expensive') && metrics.some((metric) => COST_OF[metric])) {
    const priced = metrics.map((metric) => COST_OF[metric] ?? metric);
    notes.push(
      `"${w.includes('cheapest') ? 'cheapest' : 'expensive'}" read as the cost per ${metrics
        .filter((metric) => COST_OF[metric])
        .map((metric) => metricName(metric))
        .join(', ')}: ${priced
        .filter((metric) => !metrics.includes(metric))
        .map((metric) => metricName(metric))
        .join(', ')}.`,
    );
    metrics = [...new Set(priced)];
  }
  const why =
    w.some(
      (word, i) =>
        WHY_WORDS.has(word) &&
        (word !== 'drove' || i > 0) &&
        (word !== 'cause' || w[i - 1] === 'the' || w[i - 1] === 'what'),
    ) || /\bwhat (happened|went wrong)\b/.test(w.join(' '));
  const judged = w.some((word) => JUDGEMENT_WORDS.has(word));
  const changeAsked = w.some((word) => CHANGE_WORDS.has(word)) || /\b(go|went|gone) (up|down)\b/.test(w.join(' '));
  const comparing = w.some((word) => COMPARE_WORDS.has(word));

  const recognised =
    metrics.length +
    dimensions.length +
    filters.length +
    dates.length +
    markers.length +
    having.length +
    (rank ? 1 : 0) +
    (timeDimension ? 1 : 0);
  if (recognised === 0) {
    return {
      kind: 'unreadable',
      reason: 'No metric, dimension, name from the data or period could be read in the question.',
    };
  }
  if (metrics.length === 0) {
    if (rank || why || judged) {
      const options: Metric[] =
        rank || judged
          ? (['roas', 'cpa', 'conversions', 'spend'] as Metric[])
          : ['spend', 'revenue', 'conversions', 'roas'];
      return {
        kind: 'clarify',
        question: why
          ? 'Which figure do you want explained?'
          : rank
            ? 'Ranked by which figure?'
            : 'Judged by which figure?',
        options: options
          .filter((metric) => measuresOf(metric).every((measure) => vocabulary.measures.includes(measure)))
          .map((metric) => ({
            label: metricName(metric),
            question: replaceWords(question, '', metricName(metric)),
          })),
      };
    }
    metrics = OVERVIEW.filter((metric) => measuresOf(metric).every((measure) => vocabulary.measures.includes(measure)));
    notes.push('No figure named: showing the headline figures.');
  }
  for (const metric of metrics) {
    const missing = measuresOf(metric).filter((measure) => !vocabulary.measures.includes(measure));
    if (missing.length > 0) {
      const alternatives: Metric[] = (['conversions', 'clicks', 'spend', 'revenue', 'impressions'] as Metric[]).filter(
        (candidate) => vocabulary.measures.includes(candidate as Measure),
      );
      return {
        kind: 'clarify',
        question: `The data has no ${listOf(missing)}, so it has no ${metricName(metric)}. Ask about another figure?`,
        options: alternatives.map((candidate) => ({
          label: metricName(candidate),
          question: `${metricName(candidate)}`,
        })),
      };
    }
  }

  // Periods: one range, a comparison of two, or a named period over period.
  let dateRange: { from: string; to: string } | undefined;
  let compareTo: { from: string; to: string } | undefined;
  if (dates.length > 2) {
    return {
      kind: 'clarify',
      question: 'The question names more than two periods. Which one (or which two to compare)?',
      options: dates.map((mention) => ({
        label: mention.label === rangeText(mention) ? mention.label : `${mention.label} (${rangeText(mention)})`,
        question: mention.label,
      })),
    };
  }
  if (dates.length === 2) {
    if (!comparing && !changeAsked) {
      return {
        kind: 'clarify',
        question: `Compare ${dates[0]!.label} with ${dates[1]!.label}, or cover both together?`,
        options: [
          {
            label: `compare ${dates[0]!.label} with ${dates[1]!.label}`,
            question: replaceWords(
              question,
              w.slice(dates[1]!.start, dates[1]!.start + dates[1]!.length).join(' '),
              `vs ${dates[1]!.label}`,
            ),
          },
          {
            label: `from ${dates[1]!.from} to ${dates[0]!.to}`,
            question: `${question} (from ${[dates[0]!.from, dates[1]!.from].sort()[0]} to ${[dates[0]!.to, dates[1]!.to].sort()[1]})`,
          },
        ],
      };
    }
    dateRange = { from: dates[0]!.from, to: dates[0]!.to };
    compareTo = { from: dates[1]!.from, to: dates[1]!.to };
  } else if (dates.length === 1) {
    dateRange = { from: dates[0]!.from, to: dates[0]!.to };
  }
  const marker = markers[0];
  if (relative && dateRange && !compareTo) {
    compareTo = periodBefore(dateRange, relative.unit ?? wholeUnit(dateRange));
  } else if (marker && anchor) {
    if (!dateRange) dateRange = lastWhole(marker.unit, anchor);
    if (!compareTo) compareTo = periodBefore(dateRange, marker.unit);
  } else if (
    !compareTo &&
    dateRange &&
    (why || changeAsked || (comparing && w.some((word) => ['previous', 'prior', 'preceding', 'before'].includes(word))))
  ) {
    compareTo = periodBefore(dateRange, wholeUnit(dateRange));
  }
  if (why && !dateRange) {
    return {
      kind: 'clarify',
      question: `When? The data runs to ${anchor ?? 'no date'}; name the day or period to explain.`,
      options: ['yesterday', 'last week', 'this month'].map((period) => ({
        label: period,
        question: `${question.replace(/[?.!\s]+$/, '')} ${period}?`,
      })),
    };
  }
  if (changeAsked && !dateRange && !granularity && !overTime) {
    return {
      kind: 'clarify',
      question: 'Change over which periods?',
      options: ['week over week', 'this month vs last month', 'by week'].map((period) => ({
        label: period,
        question: `${question.replace(/[?.!\s]+$/, '')} ${period}?`,
      })),
    };
  }

  if (overTime && !granularity) {
    const span = dateRange ? (dayMs(dateRange.to) - dayMs(dateRange.from)) / 86_400_000 + 1 : Infinity;
    granularity = span <= 62 ? 'day' : 'week';
  }

  // Ordering: a ranked question orders by its metric, best or worst as the metric reads.
  const rankMetric =
    metricHits.find(
      (hit) => w[hit.span.start - 1] === 'by' || (w[hit.span.start - 1] === 'of' && w[hit.span.start - 2] === 'terms'),
    )?.metric ?? metrics[0]!;
  let orderBy: { field: string; direction: 'asc' | 'desc' } | undefined;
  let limit: number | undefined;
  const grouped = dimensions.length > 0 || granularity !== undefined;
  if (rank) {
    if (!grouped) {
      const present = vocabulary.dimensions.filter((candidate) =>
        ['campaign', 'platform', 'ad_group', 'device'].includes(candidate),
      );
      return {
        kind: 'clarify',
        question: `${rank.kind === 'best' || rank.kind === 'worst' ? `The ${rank.kind}` : 'Ranked'} among which?`,
        options: present.map((candidate) => ({
          label: pluralOf(nameInSentence(candidate)),
          question: `${question.replace(/[?.!\s]+$/, '')} by ${nameInSentence(candidate)}?`,
        })),
      };
    }
    const direction = METRIC_DIRECTION[rankMetric];
    const descending =
      rank.kind === 'desc' || (rank.kind === 'best' && direction >= 0) || (rank.kind === 'worst' && direction < 0);
    orderBy = { field: rankMetric, direction: descending ? 'desc' : 'asc' };
    const plural = dimensions.length > 0 ? !singularNoun : (timeDimension?.plural ?? false);
    limit = rank.limit ?? (plural ? 10 : 1);
  } else if (dimensions.length > 0 && !granularity) {
    orderBy = { field: metrics[0]!, direction: 'desc' };
  }
  if (granularity === 'day' && rank && dimensions.length === 0) {
    // "Which day": days are a dimension of the query, so they can be ranked.
    granularity = undefined;
    dimensions.push('date');
  }

  const query: AskQuery = {
    metrics,
    dimensions,
    ...(filters.length > 0 ? { filters } : {}),
    ...(granularity ? { granularity } : {}),
    ...(dateRange ? { dateRange } : {}),
    ...(compareTo ? { compareTo } : {}),
    ...(having.length > 0 ? { having } : {}),
    ...(orderBy ? { orderBy } : {}),
    ...(limit !== undefined ? { limit } : {}),
  };
  const ignored = w.filter((word, i) => !used[i] && !isKnown(word) && /^[a-z]{4,}$/.test(word));
  if (ignored.length > 0) notes.push(`Not understood, left out: ${ignored.join(', ')}.`);
  return {
    kind: 'query',
    intent: why ? 'why' : 'figures',
    query,
    interpretation: interpret(query, why ? 'why' : 'figures', dates, markers),
    matches,
    notes,
  };
}

const RELATIVE_UNITS: Readonly<Record<string, PeriodMarker['unit'] | 'period'>> = {
  week: 'week',
  month: 'month',
  quarter: 'quarter',
  year: 'year',
  period: 'period',
  day: 'period',
};

/**
 * "vs the week before", "compared to the previous period": the period before
 * the one named, not a second named period. Only after a word of comparison,
 * since "previous week" alone names last week.
 */
function relativeComparison(w: readonly string[], used: boolean[]): { unit?: PeriodMarker['unit'] } | undefined {
  for (let i = 0; i < w.length; i++) {
    if (
      !COMPARE_WORDS.has(w[i]!) &&
      !(w[i] === 'to' && w[i - 1] === 'compared') &&
      !(w[i] === 'with' && w[i - 1] === 'compared')
    )
      continue;
    let j = i + 1;
    if (w[j] === 'to' || w[j] === 'with') j++;
    if (w[j] === 'the') j++;
    const first = w[j];
    const second = w[j + 1];
    let unit: string | undefined;
    let length = 0;
    if (['previous', 'prior', 'preceding', 'last'].includes(first ?? '') && second && RELATIVE_UNITS[second]) {
      unit = RELATIVE_UNITS[second];
      length = 2;
    } else if (first && RELATIVE_UNITS[first] && second === 'before') {
      unit = RELATIVE_UNITS[first];
      length = 2;
    }
    if (!unit || (first === 'last' && unit !== 'period')) continue;
    for (let k = 0; k < length; k++) used[j + k] = true;
    return unit === 'period' ? {} : { unit: unit as PeriodMarker['unit'] };
  }
  return undefined;
}

/** The last whole week, month, quarter or year before the data's last day (the period a "week over week" question starts from). */
function lastWhole(unit: PeriodMarker['unit'], anchor: string): { from: string; to: string } {
  const today = addDays(anchor, 1);
  if (unit === 'week') {
    const monday = addDays(mondayOf(today), -7);
    return { from: monday, to: addDays(monday, 6) };
  }
  const year = Number(today.slice(0, 4));
  const month = Number(today.slice(5, 7)) - 1;
  const months = unit === 'month' ? 1 : unit === 'quarter' ? 3 : 12;
  const startMonth = unit === 'month' ? month - 1 : unit === 'quarter' ? Math.floor(month / 3) * 3 - 3 : -12;
  const from = new Date(Date.UTC(year, startMonth, 1));
  const to = new Date(Date.UTC(from.getUTCFullYear(), from.getUTCMonth() + months, 0));
  return { from: from.toISOString().slice(0, 10), to: to.toISOString().slice(0, 10) };
}

/** Whole calendar months or quarters are compared with the one before, not with the same count of days. */
function wholeUnit(range: { from: string; to: string }): PeriodMarker['unit'] | undefined {
  if (!range.from.endsWith('-01') || !addDays(range.to, 1).endsWith('-01')) return undefined;
  const months =
    (Number(range.to.slice(0, 4)) - Number(range.from.slice(0, 4))) * 12 +
    Number(range.to.slice(5, 7)) -
    Number(range.from.slice(5, 7)) +
    1;
  return months === 1 ? 'month' : months === 3 ? 'quarter' : months === 12 ? 'year' : undefined;
}

/** How the question was read, in words the user can check. */
export function interpret(
  query: AskQuery,
  intent: AskIntent,
  dates: readonly DateMention[] = [],
  markers: readonly PeriodMarker[] = [],
): string {
  const parts: string[] = [];
  const metrics = listOf(query.metrics.map((metric) => metricName(metric)));
  const by = [
    // Dates by day, as by week or month: the period word, not the column's name.
    ...query.dimensions.map((dimension) => (dimension === 'date' ? 'day' : nameInSentence(dimension))),
    ...(query.granularity ? [query.granularity] : []),
  ];
  const lead = intent === 'why' ? `The change in ${metrics}` : `${metrics}${by.length > 0 ? ` by ${listOf(by)}` : ''}`;
  parts.push(`${lead.charAt(0).toUpperCase()}${lead.slice(1)}`);
  for (const filter of query.filters ?? [])
    parts.push(`for ${nameInSentence(filter.dimension)} ${listOf(filter.values)}`);
  if (query.dateRange) {
    const label = dates[0]?.label ?? (markers[0] ? `the last whole ${markers[0].unit}` : undefined);
    const range = rangeText(query.dateRange);
    // A date typed as a date is its own label: "on 2025-11-13", not "from 2025-11-13 (2025-11-13)".
    const said = label && label !== range ? ` (${label})` : '';
    parts.push(`${query.dateRange.from === query.dateRange.to ? 'on' : 'from'} ${range}${said}`);
  } else parts.push('over all the data');
  if (query.compareTo) parts.push(`compared with ${rangeText(query.compareTo)}`);
  for (const threshold of query.having ?? [])
    parts.push(`only where ${metricName(threshold.metric)} ${OP_TEXT[threshold.op]} ${threshold.value}`);
  if (query.orderBy && query.limit !== undefined) {
    const field = metricName(query.orderBy.field);
    parts.push(
      `the ${query.limit === 1 ? '' : `${query.limit} `}${query.orderBy.direction === 'desc' ? 'highest' : 'lowest'} by ${field}`,
    );
  }
  if (intent === 'why') parts.push('broken down by platform and campaign to show which rows explain the change');
  return `${parts.join(', ')}.`;
}
