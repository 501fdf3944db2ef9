import type { SeededRandom } from "./seeded-random.ts";

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._";
const LENGTH = 32;

/** Opaque, S3-looking version ids drawn from a seeded stream, never repeated. */
export class VersionIdMinter {
  readonly #random: Pick<SeededRandom, "int">;
  readonly #issued = new Set<string>();

  constructor(random: Pick<SeededRandom, "int">) {
    this.#random = random;
  }

  mint(): string {
    for (;;) {
      let id = "";
      for (let i = 0; i < LENGTH; i++) id += ALPHABET[this.#random.int(0, ALPHABET.length - 1)];
      if (!this.#issued.has(id)) {
        this.#issued.add(id);
        return id;
      }
    }
  }
}
