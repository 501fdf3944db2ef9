import { parseXml, XmlElement } from "@rgrove/parse-xml";
import type { ListedObject } from "./storage.ts";

export interface ListPage {
  contents: ListedObject[];
  isTruncated: boolean;
  nextContinuationToken?: string;
}

/** A body that is not the XML expected; the message says what is wrong. */
export class UnexpectedXml extends Error {
  override readonly name = "UnexpectedXml";
}

/**
 * A ListObjectsV2 result. Keys sent with `encoding-type=url` are decoded
 * when the answer says they were encoded (a store may ignore the request).
 */
export function parseListPage(xml: string): ListPage {
  const root = rootElement(xml, "ListBucketResult");
  const urlEncoded = textOf(root, "EncodingType") === "url";
  return {
    contents: childrenNamed(root, "Contents").map((object) => {
      const key = requiredText(object, "Key");
      return {
        key: urlEncoded ? decodeFormEncoded(key) : key,
        etag: requiredText(object, "ETag"),
        lastModified: timestamp(requiredText(object, "LastModified")),
        size: size(textOf(object, "Size") ?? "0"),
      };
    }),
    isTruncated: textOf(root, "IsTruncated") === "true",
    nextContinuationToken: textOf(root, "NextContinuationToken"),
  };
}

/** The `Code` and `Message` of an S3 error body; undefined when the body is no S3 error. */
export function parseErrorBody(xml: string): { code: string; message?: string } | undefined {
  let root;
  try {
    root = rootElement(xml, "Error");
  } catch {
    return undefined;
  }
  const code = textOf(root, "Code");
  return code === undefined || code === "" ? undefined : { code, message: textOf(root, "Message") };
}

function rootElement(xml: string, name: string): XmlElement {
  let root;
  try {
    root = parseXml(xml).root;
  } catch (error) {
    throw new UnexpectedXml(`is not well-formed XML (${error instanceof Error ? error.message : String(error)})`);
  }
  if (root?.name !== name) throw new UnexpectedXml(`has root element ${root?.name ?? "(none)"}, not ${name}`);
  return root;
}

function childrenNamed(parent: XmlElement, name: string): XmlElement[] {
  return parent.children.filter((child): child is XmlElement => child instanceof XmlElement && child.name === name);
}

function textOf(parent: XmlElement, name: string): string | undefined {
  return childrenNamed(parent, name)[0]?.text;
}

function requiredText(parent: XmlElement, name: string): string {
  const text = textOf(parent, name);
  if (text === undefined) throw new UnexpectedXml(`lacks ${name} in ${parent.name}`);
  return text;
}

function timestamp(text: string): number {
  const ms = Date.parse(text);
  if (Number.isNaN(ms)) throw new UnexpectedXml(`has LastModified ${JSON.stringify(text)}, not a date`);
  return ms;
}

function size(text: string): number {
  const bytes = Number(text);
  if (!Number.isSafeInteger(bytes) || bytes < 0) throw new UnexpectedXml(`has Size ${JSON.stringify(text)}, not a byte count`);
  return bytes;
}

/** S3's `url` encoding type writes a space as `+`, a `+` as `%2B`. */
function decodeFormEncoded(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, " "));
  } catch {
    throw new UnexpectedXml(`has key ${JSON.stringify(text)}, not URL-encoded`);
  }
}
