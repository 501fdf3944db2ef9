/**
 * The main job on the embedded default: four clients write concurrently to one
 * manifest on the in-memory S3 simulator (with network latency, on a virtual
 * clock), subscribe to each other, and check that they converge.
 */
import { MPS3 } from "../impl/index.ts";
import { S3Simulator, VirtualClock } from "../model/index.ts";

const BUCKET = "demo";
const NAMES = ["ada", "bob", "cyd", "dee"];
const ROUNDS = 25;

const clock = new VirtualClock({ seed: 7 });
const sim = new S3Simulator(clock, { latency: (request) => ({ uplinkMs: request.kind === "list" ? 35 : 20, downlinkMs: 25 }) });
sim.createBucket(BUCKET, { versioning: false });

const clients = NAMES.map(
  (name) => new MPS3({ defaultBucket: BUCKET, storage: sim, env: clock.env({ skewMs: (name.length * 997) % 3000 }), pollFrequency: 250, label: name }),
);
const notifications = NAMES.map(() => 0);
clients.forEach((client, i) => {
  client.subscribe("scoreboard", () => notifications[i]!++);
  for (const other of NAMES) client.subscribe(`cursor/${other}`, () => notifications[i]!++);
});

const startedAt = performance.now();
for (let round = 0; round < ROUNDS; round++) {
  clients.forEach((client, i) => {
    void client.put(`cursor/${NAMES[i]}`, { x: round * 10 + i, y: round });
    void client.put("scoreboard", { leader: NAMES[i]!, round });
  });
  await clock.runFor(40 + (round % 5) * 30);
}
await clock.runUntilSettled(Promise.all(clients.map((client) => client.shutdown().then(() => undefined))));
const fresh = NAMES.map(() => new MPS3({ defaultBucket: BUCKET, storage: sim, env: clock.env(), log: false }));
const keys = ["scoreboard", ...NAMES.map((name) => `cursor/${name}`)];
const views = await clock.runUntilSettled(Promise.all(fresh.map((client) => Promise.all(keys.map((key) => client.get(key))))));

console.log(`${NAMES.length} clients, ${ROUNDS} rounds of concurrent writes, ${(clock.now() - 1_700_000_000_000) / 1000} virtual seconds`);
console.log(`notifications received per client: ${notifications.join(", ")}`);
keys.forEach((key, k) => console.log(`  ${key.padEnd(12)} ${JSON.stringify(views[0]![k])}`));
const stats = sim.stats();
console.log(`S3 requests: ${JSON.stringify(stats.requests)}; 304s: ${stats.notModified}; bytes up ${stats.bytesUploaded}, down ${stats.bytesDownloaded}`);
const converged = views.every((view) => JSON.stringify(view) === JSON.stringify(views[0]));
console.log(converged ? "converged: every client sees the same state" : "DIVERGED");
console.log(`(took ${Math.round(performance.now() - startedAt)} ms of real time)`);
process.exit(converged ? 0 : 1);
