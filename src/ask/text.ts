/** Text helpers of the question parser: one normal form for questions and data values. */

/** Lower case, accents removed, curly quotes and dashes made plain. */
export function fold(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[\u2018\u2019\u201b`]/g, "'")
    .replace(/[\u201c\u201d]/g, '"')
    .replace(/[\u2013\u2014]/g, '-');
}

/**
 * Words of a text: letters and digits (with a decimal part), and the signs
 * that carry meaning in a question ($ £ € % < > = ?). Thousands separators
 * inside numbers are dropped ("1,000" is one word).
 */
export function words(text: string): string[] {
  // An ISO day stays one word; thousands separators inside numbers go.
  const folded = fold(text)
    .replace(/\b(\d{4})-(\d{2})-(\d{2})\b/g, ' iso$1$2$3 ')
    .replace(/(\d),(?=\d{3}\b)/g, '$1');
  return folded.match(/\d+(?:\.\d+)?(?:st|nd|rd|th|k|m|x)?|[a-z0-9]+(?:'[a-z]+)?|[$£€%?]|[<>]=?|=/g) ?? [];
}

/** Optimal string alignment distance (Levenshtein plus adjacent swaps), stopping early past `max`. */
export function editDistance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  const rows: number[][] = [];
  for (let i = 0; i <= a.length; i++) {
    const row = new Array<number>(b.length + 1).fill(0);
    row[0] = i;
    rows.push(row);
  }
  for (let j = 0; j <= b.length; j++) rows[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    let best = Infinity;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let value = Math.min(rows[i - 1]![j]! + 1, rows[i]![j - 1]! + 1, rows[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        value = Math.min(value, rows[i - 2]![j - 2]! + 1);
      rows[i]![j] = value;
      best = Math.min(best, value);
    }
    if (best > max) return max + 1;
  }
  return rows[a.length]![b.length]!;
}

/** The typos a word of this length may carry and still be recognised: none below 4 letters. */
export function typoAllowance(word: string): number {
  return word.length >= 8 ? 2 : word.length >= 4 ? 1 : 0;
}

/** Singular of a plain English plural (campaigns, devices, countries, conversions). */
export function singular(word: string): string {
  if (word.length > 4 && word.endsWith('ies')) return `${word.slice(0, -3)}y`;
  if (word.length > 3 && word.endsWith('s') && !word.endsWith('ss')) return word.slice(0, -1);
  return word;
}

/** Whether a question word stands for a known word: the same, its plural, or (for a word that is not itself known) a small typo. */
export function sameWord(word: string, known: string, isKnown: (word: string) => boolean): boolean {
  if (word === known || singular(word) === singular(known)) return true;
  if (/\d/.test(word) || /\d/.test(known) || isKnown(word)) return false;
  const allowance = Math.min(typoAllowance(word), typoAllowance(known));
  return allowance > 0 && editDistance(word, known, allowance) <= allowance;
}
