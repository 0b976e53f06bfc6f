import { nameInSentence, type Dimension } from '../analysis/index.js';
import { VALUE_ALIASES, VALUE_DIMENSIONS, type ValueDimension } from './lexicon.js';
import { fold, sameWord, singular, words } from './text.js';
import type { Vocabulary } from './vocabulary.js';

export interface Span {
  readonly start: number;
  readonly length: number;
}

export interface ValueMatch {
  readonly dimension: Dimension;
  readonly value: string;
  /** The words of the question it was read from. */
  readonly said: string;
  readonly how: 'exact' | 'alias' | 'typo' | 'partial';
}

export interface ValueCandidate {
  readonly dimension: ValueDimension;
  readonly value: string;
  readonly tokens: string[];
  /** The tokens' singular forms: what question words are looked up by. */
  readonly keys: string[];
  readonly alias: boolean;
}

/** The names of a vocabulary, indexed by word so a question is matched against the names that share one of its words. */
interface ValueIndex {
  readonly candidates: ValueCandidate[];
  readonly postings: Map<string, { candidate: number; position: number }[]>;
  /** Distinct words of the names that a typo may reach (no digits, four letters or more). */
  readonly fuzzy: string[];
}

const indexes = new WeakMap<Vocabulary, ValueIndex>();

function buildIndex(vocabulary: Vocabulary, isKnown: (word: string) => boolean): ValueIndex {
  const candidates: ValueCandidate[] = [];
  const add = (dimension: ValueDimension, value: string, tokens: string[], alias: boolean) =>
    candidates.push({ dimension, value, tokens, keys: tokens.map(singular), alias });
  for (const dimension of VALUE_DIMENSIONS) {
    for (const value of vocabulary.values[dimension] ?? []) {
      const tokens = words(value).filter((token) => /[a-z0-9]/.test(token));
      // A value made only of words the parser knows ("Search", "Conversions") would shadow them.
      if (tokens.length === 0 || tokens.every((token) => isKnown(token) && !/\d/.test(token))) continue;
      add(dimension, value, tokens, false);
      for (const alias of VALUE_ALIASES[fold(value)] ?? []) add(dimension, value, words(alias), true);
    }
  }
  const postings = new Map<string, { candidate: number; position: number }[]>();
  const fuzzy = new Set<string>();
  candidates.forEach((candidate, index) =>
    candidate.keys.forEach((key, position) => {
      const list = postings.get(key);
      if (list) list.push({ candidate: index, position });
      else postings.set(key, [{ candidate: index, position }]);
      const token = candidate.tokens[position]!;
      if (token.length >= 4 && !/\d/.test(token)) fuzzy.add(token);
    }),
  );
  return { candidates, postings, fuzzy: [...fuzzy] };
}

interface ValueHit {
  readonly candidate: ValueCandidate;
  readonly span: Span;
  /** 0 exact, 1 typo, 2 partial. */
  readonly quality: number;
}

export interface ValueMatching {
  readonly matches: ValueMatch[];
  readonly spans: Span[];
  /** One phrase of the question names several values equally well. */
  readonly ambiguous?: { said: string; values: ValueCandidate[] };
}

/**
 * The names of the data a question mentions: whole names (word for word,
 * typos allowed on words the parser does not otherwise know), other names of
 * them (Facebook for Meta), or part of a name when that part holds a word of
 * its own ("prospecting" for "Prospecting - Broad"). Whole exact names win,
 * then typos, then parts; longer first. Marks the words it takes in `used`.
 */
export function matchValues(
  w: readonly string[],
  used: boolean[],
  vocabulary: Vocabulary,
  isKnown: (word: string) => boolean,
): ValueMatching {
  let index = indexes.get(vocabulary);
  if (!index) {
    index = buildIndex(vocabulary, isKnown);
    indexes.set(vocabulary, index);
  }
  const keys = w.map((word) => {
    const found = new Set<string>();
    if (index.postings.has(singular(word))) found.add(singular(word));
    if (word.length >= 4 && !/\d/.test(word) && !isKnown(word)) {
      for (const token of index.fuzzy) if (sameWord(word, token, isKnown)) found.add(singular(token));
    }
    return found;
  });
  const matchesAt = (i: number, key: string) => i >= 0 && i < w.length && !used[i] && keys[i]!.has(key);
  const hits: ValueHit[] = [];
  const seen = new Set<string>();
  for (let i = 0; i < w.length; i++) {
    if (used[i]) continue;
    for (const key of keys[i]!) {
      for (const { candidate: id, position } of index.postings.get(key) ?? []) {
        const candidate = index.candidates[id]!;
        const n = candidate.keys.length;
        if (position === 0 && candidate.keys.every((token, k) => matchesAt(i + k, token))) {
          const exact = candidate.tokens.every((token, k) => w[i + k] === token || w[i + k] === `${token}s`);
          hits.push({ candidate, span: { start: i, length: n }, quality: exact ? 0 : 1 });
          continue;
        }
        if (candidate.alias || (position > 0 && matchesAt(i - 1, candidate.keys[position - 1]!))) continue;
        let length = 0;
        while (position + length < n && matchesAt(i + length, candidate.keys[position + length]!)) length++;
        const part = candidate.tokens.slice(position, position + length);
        const key2 = `${id}:${i}:${length}`;
        if (
          length < n &&
          !seen.has(key2) &&
          part.some((token) => !isKnown(token) && !/^\d/.test(token) && token.length >= 3)
        ) {
          seen.add(key2);
          hits.push({ candidate, span: { start: i, length }, quality: 2 });
        }
      }
    }
  }
  hits.sort((a, b) => a.quality - b.quality || b.span.length - a.span.length || a.span.start - b.span.start);
  const bySpan = new Map<string, ValueHit[]>();
  for (const hit of hits) {
    const key = `${hit.quality}:${hit.span.start}:${hit.span.length}`;
    const list = bySpan.get(key);
    if (list) list.push(hit);
    else bySpan.set(key, [hit]);
  }
  const matches: ValueMatch[] = [];
  const spans: Span[] = [];
  for (const hit of hits) {
    const { start, length } = hit.span;
    if (w.slice(start, start + length).some((_, k) => used[start + k])) continue;
    const same = bySpan.get(`${hit.quality}:${start}:${length}`)!;
    const values = [
      ...new Map(
        same.map((other) => [`${other.candidate.dimension}:${other.candidate.value}`, other.candidate]),
      ).values(),
    ];
    const said = w.slice(start, start + length).join(' ');
    if (values.length > 1) return { matches, spans, ambiguous: { said, values } };
    for (let k = 0; k < length; k++) used[start + k] = true;
    matches.push({
      dimension: hit.candidate.dimension,
      value: hit.candidate.value,
      said,
      how: hit.quality === 2 ? 'partial' : hit.quality === 1 ? 'typo' : hit.candidate.alias ? 'alias' : 'exact',
    });
    spans.push(hit.span);
  }
  return { matches, spans };
}

export function valueLabel(candidate: ValueCandidate): string {
  return `${candidate.value} (${nameInSentence(candidate.dimension)})`;
}
