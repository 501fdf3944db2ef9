/**
 * The board page. With a bucket in the URL (see board-connection.ts) it is
 * one client of that bucket, and each tab is another. Without, it runs the
 * in-memory S3 simulator inside this page, which no other tab can reach, so
 * it shows two clients of it side by side.
 */
import { FetchStorage } from "../../impl/browser.ts";
import { connectionFromQuery } from "./board-connection.ts";
import { mountPane } from "./board-pane.ts";
import { realTimeSimulator } from "./real-time-simulator.ts";

const SIMULATOR_BUCKET = "board";
const SIMULATOR_CLIENTS = ["Ada", "Bob"];
const SIMULATED_LATENCY_MS = 150;

const query = new URLSearchParams(location.search);
const panes = document.getElementById("panes")!;
const where = document.getElementById("where")!;

try {
  const connection = connectionFromQuery(query);
  if (connection === undefined) {
    const simulator = realTimeSimulator(SIMULATOR_BUCKET, SIMULATED_LATENCY_MS);
    where.textContent =
      `Two clients of an in-memory S3 simulator in this page (${SIMULATED_LATENCY_MS} ms each way). ` +
      "Add ?endpoint=…&bucket=…&accessKeyId=…&secretAccessKey=… to the URL to use a real bucket from several tabs.";
    for (const name of SIMULATOR_CLIENTS) mountPane(panes, { storage: simulator, bucket: SIMULATOR_BUCKET, name });
  } else {
    const { endpoint } = connection.storage;
    where.textContent = `Bucket ${connection.bucket} at ${endpoint}. Open this URL in another tab or browser to join.`;
    const name = query.get("name") ?? `guest-${crypto.randomUUID().slice(0, 4)}`;
    mountPane(panes, { storage: new FetchStorage(connection.storage), bucket: connection.bucket, name });
  }
} catch (error) {
  where.textContent = `Cannot open the board: ${(error as Error).message}`;
  where.classList.add("failed");
}
