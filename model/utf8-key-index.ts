/** Orders keys as S3 does: by their UTF-8 bytes, not by UTF-16 code units. */
export function compareUtf8(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, "utf8"), Buffer.from(b, "utf8"));
}

interface IndexedKey {
  key: string;
  bytes: Buffer;
}

/** A sorted set of keys in UTF-8 byte order, scanned from a lower bound. */
export class Utf8KeyIndex {
  #entries: IndexedKey[] = [];

  get size(): number {
    return this.#entries.length;
  }

  add(key: string): void {
    const bytes = Buffer.from(key, "utf8");
    const at = this.#lowerBound(bytes);
    if (this.#entries[at]?.key !== key) this.#entries.splice(at, 0, { key, bytes });
  }

  remove(key: string): void {
    const at = this.#lowerBound(Buffer.from(key, "utf8"));
    if (this.#entries[at]?.key === key) this.#entries.splice(at, 1);
  }

  /** Keys starting with `prefix`, in order, strictly after `after` when given. */
  *scan(prefix: string, after?: string): Generator<string> {
    const prefixBytes = Buffer.from(prefix, "utf8");
    let at = this.#lowerBound(prefixBytes);
    if (after !== undefined) {
      const afterBytes = Buffer.from(after, "utf8");
      at = Math.max(at, this.#upperBound(afterBytes));
    }
    for (; at < this.#entries.length; at++) {
      const entry = this.#entries[at]!;
      if (!startsWith(entry.bytes, prefixBytes)) return;
      yield entry.key;
    }
  }

  /** First position whose key is not below `bytes`. */
  #lowerBound(bytes: Buffer): number {
    return this.#partitionPoint((entry) => Buffer.compare(entry.bytes, bytes) < 0);
  }

  /** First position whose key is above `bytes`. */
  #upperBound(bytes: Buffer): number {
    return this.#partitionPoint((entry) => Buffer.compare(entry.bytes, bytes) <= 0);
  }

  #partitionPoint(isBefore: (entry: IndexedKey) => boolean): number {
    let lo = 0;
    let hi = this.#entries.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (isBefore(this.#entries[mid]!)) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

function startsWith(bytes: Buffer, prefix: Buffer): boolean {
  return bytes.length >= prefix.length && bytes.subarray(0, prefix.length).equals(prefix);
}
