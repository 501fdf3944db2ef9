/**
 * The board's URL query names the bucket it uses; without `endpoint` it runs
 * on the in-memory simulator.
 *
 *   ?endpoint=http://127.0.0.1:7480&bucket=board&accessKeyId=…&secretAccessKey=…&region=us-east-1&name=ada
 */
import type { FetchStorageConfig } from "../../impl/browser.ts";

export interface BoardConnection {
  bucket: string;
  storage: Pick<FetchStorageConfig, "endpoint" | "region" | "credentials">;
}

const REQUIRED = ["endpoint", "bucket", "accessKeyId", "secretAccessKey"] as const;
const DEFAULT_REGION = "us-east-1";

/** The real endpoint the query names; undefined for the simulator. Throws when the query names it only in part. */
export function connectionFromQuery(query: URLSearchParams): BoardConnection | undefined {
  if (!query.has("endpoint")) return undefined;
  const missing = REQUIRED.filter((name) => !query.get(name));
  if (missing.length > 0) throw new Error(`the URL names an endpoint but not ${missing.join(", ")}`);
  const sessionToken = query.get("sessionToken") ?? undefined;
  return {
    bucket: query.get("bucket")!,
    storage: {
      endpoint: query.get("endpoint")!,
      region: query.get("region") ?? DEFAULT_REGION,
      credentials: {
        accessKeyId: query.get("accessKeyId")!,
        secretAccessKey: query.get("secretAccessKey")!,
        ...(sessionToken === undefined ? {} : { sessionToken }),
      },
    },
  };
}

/** The query that opens the board on `connection` as `name`. */
export function queryFor(connection: BoardConnection, name?: string): URLSearchParams {
  const { endpoint, region, credentials } = connection.storage;
  const query = new URLSearchParams({ endpoint, bucket: connection.bucket, region, ...credentials });
  if (name !== undefined) query.set("name", name);
  return query;
}
