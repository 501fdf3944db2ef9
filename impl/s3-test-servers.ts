/**
 * Test support: the S3 servers that scripts/servers/ runs on loopback, one name
 * a line in scripts/servers/list, each with its connection settings in
 * .servers/<name>/env (Ceph RGW's in .rgw/env, where scripts/rgw-start.sh
 * writes it).
 */
import { readFile } from "node:fs/promises";
import { parseEnv } from "node:util";
import type { S3ConnectionConfig } from "./s3-client.ts";

/** Where a server differs from AWS S3 in what the adapter tests meet; each is asserted there. */
export type Quirk =
  /** Any PUT with If-None-Match or If-Match answers 501 NotImplemented. */
  | "conditionalPutsNotImplemented"
  /** Requests signed with a wrong secret are served. */
  | "signaturesUnchecked"
  /** A key with CR or LF in it answers 404, as if no route matched. */
  | "lineBreakKeysNotFound"
  /** A key is stored as a file path: a backslash becomes a slash and slashes in a row one (`a\\b`, `a//b` and `a/b` name one object, listed as `a/b`). */
  | "keysNormalizedAsPaths";

export interface TestServer {
  /** Its name in scripts/servers/list and its scripts' names. */
  readonly name: string;
  readonly label: string;
  /** Whether the timelog mode is expected to be safe on it (jepsen/conformance/conformance.servers.test.ts checks). */
  readonly timelogSafe: boolean;
  readonly quirks: readonly Quirk[];
  /** Undefined when it does not answer. */
  readonly config: S3ConnectionConfig | undefined;
}

const DESCRIPTIONS: Record<string, Pick<TestServer, "label" | "timelogSafe" | "quirks">> = {
  rgw: { label: "Ceph RGW", timelogSafe: true, quirks: [] },
  moto: { label: "moto", timelogSafe: true, quirks: ["signaturesUnchecked", "lineBreakKeysNotFound"] },
  swift: { label: "OpenStack Swift (s3api)", timelogSafe: true, quirks: ["conditionalPutsNotImplemented"] },
  seaweedfs: { label: "SeaweedFS", timelogSafe: true, quirks: ["keysNormalizedAsPaths"] },
  // The known-bad control: it lists keys out of byte order and ignores conditional writes.
  s3rver: { label: "s3rver", timelogSafe: false, quirks: [] },
};

const REPO = new URL("../", import.meta.url);
const LIST_FILE = new URL("scripts/servers/list", REPO);
const PROBE_TIMEOUT_MS = 1_000;

/**
 * Every listed server, with its settings when it answers. Outside CI a line says
 * which suites skip; in CI none may (see `connection`).
 */
export async function testServers(): Promise<TestServer[]> {
  const names = (await readFile(LIST_FILE, "utf8")).split("\n").map((line) => line.trim()).filter((line) => line !== "" && !line.startsWith("#"));
  const servers = await Promise.all(
    names.map(async (name): Promise<TestServer> => {
      const description = DESCRIPTIONS[name];
      if (description === undefined) throw new Error(`scripts/servers/list names ${name}, which impl/s3-test-servers.ts does not describe`);
      return { name, ...description, config: await answeringConfig(await readEnvFile(envFile(name))) };
    }),
  );
  for (const server of servers.filter((s) => s.config === undefined)) {
    console.warn(
      inCi()
        ? `${server.label} not running: CI needs it, so its integration suites fail`
        : `${server.label} not running: skipping its integration suites (start it with scripts/servers/${server.name}-start.sh)`,
    );
  }
  return servers;
}

/** Whether a suite on this server skips: it does not answer and this is not CI. */
export function skipsWithout(server: TestServer): boolean {
  return server.config === undefined && !inCi();
}

/** The server's settings; throws when it does not answer, which in CI fails the suite that asks. */
export function connection(server: TestServer): S3ConnectionConfig {
  if (server.config === undefined) {
    throw new Error(`${server.label} is listed in scripts/servers/list but does not answer (scripts/servers/${server.name}-start.sh starts it)`);
  }
  return server.config;
}

/**
 * Ceph RGW's settings, or those of the endpoint in the environment when it names
 * one (the board, the benchmark and the browser tests use it); undefined when
 * none is set or it does not answer.
 */
export async function findRgw(): Promise<S3ConnectionConfig | undefined> {
  return answeringConfig(process.env.MPS3_S3_ENDPOINT === undefined ? await readEnvFile(envFile("rgw")) : process.env);
}

export const RGW_SKIP_MESSAGE = "RGW not running: skipping integration suite (start it with scripts/rgw-start.sh)";

/** A bucket name no earlier run used. */
export function uniqueBucketName(purpose: string): string {
  return `mps3-${purpose}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
}

function envFile(name: string): URL {
  return new URL(name === "rgw" ? ".rgw/env" : `.servers/${name}/env`, REPO);
}

function inCi(): boolean {
  return process.env.CI === "true";
}

async function readEnvFile(file: URL): Promise<Record<string, string | undefined>> {
  try {
    return parseEnv(await readFile(file, "utf8"));
  } catch {
    return {};
  }
}

async function answeringConfig(env: Record<string, string | undefined>): Promise<S3ConnectionConfig | undefined> {
  const endpoint = env.MPS3_S3_ENDPOINT;
  const accessKeyId = env.AWS_ACCESS_KEY_ID;
  const secretAccessKey = env.AWS_SECRET_ACCESS_KEY;
  if (endpoint === undefined || accessKeyId === undefined || secretAccessKey === undefined) return undefined;
  if (!(await answersHttp(endpoint))) return undefined;
  return {
    endpoint,
    region: env.AWS_REGION ?? "us-east-1",
    credentials: { accessKeyId, secretAccessKey },
    forcePathStyle: true,
  };
}

async function answersHttp(endpoint: string): Promise<boolean> {
  try {
    await fetch(endpoint, { signal: AbortSignal.timeout(PROBE_TIMEOUT_MS) });
    return true;
  } catch {
    return false;
  }
}
