import { createHash } from "node:crypto";

/** S3's ETag of a single-part upload: the quoted MD5 hex of the body. */
export function etagOf(body: string): string {
  return `"${createHash("md5").update(body, "utf8").digest("hex")}"`;
}

export function utf8ByteLength(text: string): number {
  return Buffer.byteLength(text, "utf8");
}
