import { Utf8KeyIndex } from "./utf8-key-index.ts";

interface Change<V> {
  visibleAt: number;
  key: string;
  /** What the key lists as from then on; undefined: not listed. */
  listed: V | undefined;
}

/**
 * What LIST shows of a bucket whose listings lag behind its writes: each
 * change of what a key lists as (a write, a delete) shows `lagMs` after it
 * happened, so a fresh object is missing and a deleted one still listed
 * meanwhile. Changes must be recorded in order of time.
 */
export class LaggingListing<V> {
  readonly keys = new Utf8KeyIndex();
  readonly #lagMs: number;
  readonly #listed = new Map<string, V>();
  readonly #pending: Change<V>[] = [];

  constructor(lagMs: number) {
    this.#lagMs = lagMs;
  }

  /** From `at + lagMs` on, `key` lists as `listed` (or not at all when undefined). */
  record(key: string, listed: V | undefined, at: number): void {
    this.#pending.push({ visibleAt: at + this.#lagMs, key, listed });
  }

  /** Shows every change due by `now`. */
  catchUp(now: number): void {
    while (this.#pending.length > 0 && this.#pending[0]!.visibleAt <= now) {
      const { key, listed } = this.#pending.shift()!;
      if (listed === undefined) {
        this.#listed.delete(key);
        this.keys.remove(key);
      } else {
        this.#listed.set(key, listed);
        this.keys.add(key);
      }
    }
  }

  /** What `key` lists as, as of the last `catchUp`. */
  get(key: string): V | undefined {
    return this.#listed.get(key);
  }
}
