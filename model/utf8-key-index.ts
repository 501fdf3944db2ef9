const utf8 = new TextEncoder();

/** Orders keys as S3 does: by their UTF-8 bytes, not by UTF-16 code units. */
export function compareUtf8(a: string, b: string): number {
  return compareBytes(utf8.encode(a), utf8.encode(b));
}

interface IndexedKey {
  key: string;
  bytes: Uint8Array;
}

/** A sorted set of keys in UTF-8 byte order, scanned from a lower bound. */
export class Utf8KeyIndex {
  #entries: IndexedKey[] = [];

  get size(): number {
    return this.#entries.length;
  }

  add(key: string): void {
    const bytes = utf8.encode(key);
    const at = this.#lowerBound(bytes);
    if (this.#entries[at]?.key !== key) this.#entries.splice(at, 0, { key, bytes });
  }

  remove(key: string): void {
    const at = this.#lowerBound(utf8.encode(key));
    if (this.#entries[at]?.key === key) this.#entries.splice(at, 1);
  }

  /** Keys starting with `prefix`, in order, strictly after `after` when given. */
  *scan(prefix: string, after?: string): Generator<string> {
    const prefixBytes = utf8.encode(prefix);
    let at = this.#lowerBound(prefixBytes);
    if (after !== undefined) {
      const afterBytes = utf8.encode(after);
      at = Math.max(at, this.#upperBound(afterBytes));
    }
    for (; at < this.#entries.length; at++) {
      const entry = this.#entries[at]!;
      if (!startsWith(entry.bytes, prefixBytes)) return;
      yield entry.key;
    }
  }

  /** First position whose key is not below `bytes`. */
  #lowerBound(bytes: Uint8Array): number {
    return this.#partitionPoint((entry) => compareBytes(entry.bytes, bytes) < 0);
  }

  /** First position whose key is above `bytes`. */
  #upperBound(bytes: Uint8Array): number {
    return this.#partitionPoint((entry) => compareBytes(entry.bytes, bytes) <= 0);
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

function startsWith(bytes: Uint8Array, prefix: Uint8Array): boolean {
  return bytes.length >= prefix.length && compareBytes(bytes.subarray(0, prefix.length), prefix) === 0;
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const shared = Math.min(a.length, b.length);
  for (let i = 0; i < shared; i++) {
    if (a[i] !== b[i]) return a[i]! < b[i]! ? -1 : 1;
  }
  return Math.sign(a.length - b.length);
}
