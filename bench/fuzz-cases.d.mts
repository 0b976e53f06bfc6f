// Types of fuzz-cases.mjs for the TypeScript tests that share it.
export interface FuzzCase {
  readonly kind: string;
  readonly name: string;
  readonly bytes: Buffer;
  /** An unmutated export: must be accepted. */
  readonly valid: boolean;
}
export declare function fuzzCase(seed: number, index: number): FuzzCase;
export declare const MUTATION_NAMES: readonly string[];
export declare const HOSTILE_FILES: Readonly<Record<string, () => { name: string; bytes: Buffer }>>;
export declare function random(seed: number): {
  next(): number;
  int(min: number, max: number): number;
  pick<T>(items: readonly T[]): T;
};
