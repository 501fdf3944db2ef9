import { md5 } from "@noble/hashes/legacy.js";
import { bytesToHex, utf8ToBytes } from "@noble/hashes/utils.js";

/** S3's ETag of a single-part upload: the quoted MD5 hex of the body. */
export function etagOf(body: string): string {
  return `"${bytesToHex(md5(utf8ToBytes(body)))}"`;
}

export { utf8Length as utf8ByteLength } from "../protocol/json-value.ts";
