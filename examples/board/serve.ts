/**
 * The multiplayer board demo.
 *
 *   npm run demo:board                          # on the in-memory simulator, two clients in one page
 *   npm run demo:board -- --bucket board-demo   # on the bucket of the endpoint in MPS3_S3_ENDPOINT/AWS_* or .rgw/env
 *   npm run demo:board -- --port 9000
 *
 * The bucket must exist and allow the page's origin: `npm run rgw:cors -- board-demo --create`.
 */
import { parseArgs } from "node:util";
import { findRgw } from "../../impl/s3-test-servers.ts";
import { queryFor } from "./board-connection.ts";
import { startBoardServer } from "./board-server.ts";

const DEFAULT_PORT = 8080;

const { values } = parseArgs({
  options: { port: { type: "string", default: String(DEFAULT_PORT) }, bucket: { type: "string" } },
});
const server = await startBoardServer({ port: Number(values.port) });
console.log(`board on the in-memory simulator: ${server.url}`);

if (values.bucket !== undefined) {
  const rgw = await findRgw();
  if (rgw?.endpoint === undefined || rgw.credentials === undefined) {
    console.error("serve: no S3 endpoint answers (start one with scripts/rgw-start.sh, or set MPS3_S3_ENDPOINT and AWS_*)");
    process.exit(1);
  }
  const connection = { bucket: values.bucket, storage: { endpoint: rgw.endpoint, region: rgw.region, credentials: rgw.credentials } };
  for (const name of ["ada", "bob"]) console.log(`board on ${values.bucket} as ${name}: ${server.url}?${queryFor(connection, name)}`);
  console.log("(the URLs carry the credentials: share them only with whom you would give the keys)");
}
console.log("Ctrl-C stops the server.");
