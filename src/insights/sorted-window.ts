/** The j-th distance (0-based) below a median whose window's upper half starts at `middle`: -Infinity before the run, Infinity past it. */
function distanceBelow(values: Float64Array, middle: number, center: number, j: number): number {
  return j < 0 ? -Infinity : j < middle ? center - values[middle - 1 - j]! : Infinity;
}

/** The j-th distance (0-based) above the median, from `middle` up to the window's `n` values. */
function distanceAbove(values: Float64Array, middle: number, n: number, center: number, j: number): number {
  return j < 0 ? -Infinity : j < n - middle ? values[middle + j]! - center : Infinity;
}

/**
 * Values of the last days, kept sorted (binary insert and remove) in a typed
 * array, so no day sorts its history and no insert allocates.
 */
export class SortedWindow {
  private values: Float64Array;
  private count = 0;

  /** Room for `capacity` values before it grows. */
  constructor(capacity: number) {
    this.values = new Float64Array(Math.max(1, capacity));
  }

  get size(): number {
    return this.count;
  }

  private indexOf(value: number): number {
    let low = 0;
    let high = this.count;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (this.values[middle]! < value) low = middle + 1;
      else high = middle;
    }
    return low;
  }

  // The window holds about its capacity (14 days): moving them one by one costs less than a copyWithin call.
  insert(value: number): void {
    if (this.count === this.values.length) {
      const grown = new Float64Array(this.values.length * 2);
      grown.set(this.values);
      this.values = grown;
    }
    const values = this.values;
    const index = this.indexOf(value);
    for (let at = this.count; at > index; at--) values[at] = values[at - 1]!;
    values[index] = value;
    this.count++;
  }

  remove(value: number): void {
    const values = this.values;
    const index = this.indexOf(value);
    if (index < this.count && values[index] === value) {
      this.count--;
      for (let at = index; at < this.count; at++) values[at] = values[at + 1]!;
    }
  }

  /**
   * The window once `entering` has come in and `leaving` (a value it holds)
   * has gone out (either may be NaN: nothing comes in, or nothing goes out): the state `insert` then `remove` leave, in
   * one search and one shift over the values between the two, where those
   * were two searches and two shifts of about half the window each.
   */
  slide(leaving: number, entering: number): void {
    if (Number.isNaN(leaving)) {
      if (!Number.isNaN(entering)) this.insert(entering);
      return;
    }
    if (Number.isNaN(entering)) {
      this.remove(leaving);
      return;
    }
    const values = this.values;
    let at = this.indexOf(leaving);
    if (at === this.count || values[at] !== leaving) {
      this.insert(entering);
      this.remove(leaving);
      return;
    }
    // An equal value would come in before the leaving one and go straight out again.
    if (entering === leaving) return;
    if (entering > leaving) {
      // The values between move down into the leaving one's place; the entering one goes before the first no less than it.
      for (; at + 1 < this.count && values[at + 1]! < entering; at++) values[at] = values[at + 1]!;
    } else {
      for (; at > 0 && values[at - 1]! >= entering; at--) values[at] = values[at - 1]!;
    }
    values[at] = entering;
  }

  median(): number {
    const n = this.count;
    const middle = n >>> 1;
    return n === 0 ? NaN : n % 2 === 1 ? this.values[middle]! : (this.values[middle - 1]! + this.values[middle]!) / 2;
  }

  /**
   * A lower bound of `mad()` from two values. The MAD is no less than the
   * j-th smallest distance (k = ⌊n/2⌋ + 1; j: k for an odd count, k − 1 for an even one), and
   * at least half of the j smallest lie in one run, so it is no less than the
   * smaller of the two runs' ⌈j/2⌉-th. Most days lie well within the spread
   * this bounds, and then the MAD itself is not needed.
   */
  madFloor(): number {
    const n = this.count;
    const middle = n >>> 1;
    const half = (n % 2 === 1 ? middle + 2 : middle + 1) >>> 1;
    if (half < 1 || half > middle) return 0;
    const center = this.median();
    return Math.min(
      distanceBelow(this.values, middle, center, half - 1),
      distanceAbove(this.values, middle, n, center, half - 1),
    );
  }

  /**
   * Median absolute deviation from the median, with no sort. The values below
   * the middle are at most the median and those from it on at least, so the
   * distances below (walking down) and above (walking up) are two ascending
   * runs; the median distance is the k-th smallest of their union, found by a
   * binary search on how many of the k smallest come from below.
   */
  mad(): number {
    const n = this.count;
    if (n === 0) return NaN;
    const values = this.values;
    const center = this.median();
    const middle = n >>> 1;
    const k = middle + 1;
    const below = (j: number) => distanceBelow(values, middle, center, j);
    const above = (j: number) => distanceAbove(values, middle, n, center, j);
    // The fewest taken from below such that the next one below is no nearer than the last one taken from above.
    let low = Math.max(0, k - (n - middle));
    let high = Math.min(k, middle);
    while (low < high) {
      const taken = (low + high) >>> 1;
      if (below(taken) >= above(k - taken - 1)) high = taken;
      else low = taken + 1;
    }
    const lastBelow = below(low - 1);
    const lastAbove = above(k - low - 1);
    const kth = Math.max(lastBelow, lastAbove);
    if (n % 2 === 1) return kth;
    // The (k-1)-th: the larger of what is left once the k-th is set aside.
    const before =
      lastBelow >= lastAbove ? Math.max(below(low - 2), lastAbove) : Math.max(lastBelow, above(k - low - 2));
    return (before + kth) / 2;
  }
}
