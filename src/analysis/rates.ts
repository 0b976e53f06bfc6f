/**
 * The bounds of an exchange rate (units of the target per unit of the source).
 * The farthest apart real currencies (the Kuwaiti dinar and the Iranian rial)
 * are some 3.5 million to one; a rate beyond 1e7 either way is a typo, and one
 * such as 1e308 overflowed every converted sum to a figure no report can show.
 */
export const MIN_RATE = 1e-7;
export const MAX_RATE = 1e7;

/** Why an exchange rate is refused, or null when it is usable. */
export function rateProblem(rate: number): string | null {
  return Number.isFinite(rate) && rate >= MIN_RATE && rate <= MAX_RATE
    ? null
    : `must be a number from ${MIN_RATE} to ${MAX_RATE}`;
}
