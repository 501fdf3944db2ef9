/** Finds the local Ceph RGW that scripts/rgw-start.sh runs, for integration tests. */
import { readFile } from "node:fs/promises";
import { parseEnv } from "node:util";
import type { S3ConnectionConfig } from "./s3-client.ts";

export const RGW_SKIP_MESSAGE = "RGW not running: skipping integration suite (start it with scripts/rgw-start.sh)";

const ENV_FILE = new URL("../.rgw/env", import.meta.url);
const PROBE_TIMEOUT_MS = 1_000;

/**
 * The gateway's connection settings from the environment when it names an
 * endpoint, else from .rgw/env; undefined when none is set or it does not answer.
 */
export async function findRgw(): Promise<S3ConnectionConfig | undefined> {
  const env = process.env.MPS3_S3_ENDPOINT === undefined ? await readEnvFile() : process.env;
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

async function readEnvFile(): Promise<Record<string, string | undefined>> {
  try {
    return parseEnv(await readFile(ENV_FILE, "utf8"));
  } catch {
    return {};
  }
}

async function answersHttp(endpoint: string): Promise<boolean> {
  try {
    await fetch(endpoint, { signal: AbortSignal.timeout(PROBE_TIMEOUT_MS) });
    return true;
  } catch {
    return false;
  }
}

/** A bucket name no earlier run used. */
export function uniqueBucketName(purpose: string): string {
  return `mps3-${purpose}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
}
