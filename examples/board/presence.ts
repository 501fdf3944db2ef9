/**
 * Who is on the board: each client keeps its own key `presence/<session>`
 * fresh with a heartbeat; a key not refreshed for a while means its client
 * has gone, and any client deletes it once it is long stale.
 */
import type { Json, MPS3 } from "../../impl/browser.ts";

export const PRESENCE_PREFIX = "presence/";
const HEARTBEAT_MS = 5_000;
const GONE_AFTER_MS = 3 * HEARTBEAT_MS;
const FORGET_AFTER_MS = 60_000;

export type Presence = {
  name: string;
  /** This client's clock when it last wrote its heartbeat. */
  seenAt: number;
};

export function isPresence(value: Json | undefined): value is Presence {
  return typeof value === "object" && value !== null && !Array.isArray(value) && typeof value.name === "string" && typeof value.seenAt === "number";
}

/** Keeps this client's heartbeat fresh. A page closing cannot delete it (its requests are cancelled): it goes stale. */
export function announce(db: MPS3, name: string): void {
  const key = PRESENCE_PREFIX + db.sessionId;
  const beat = () => void db.put(key, { name, seenAt: Date.now() }, { await: "local" });
  beat();
  setInterval(beat, HEARTBEAT_MS);
}

/** The names whose heartbeat is fresh, sorted; a name once, though a reloaded page leaves its old heartbeat behind. */
export function presentNames(heartbeats: ReadonlyMap<string, Presence>): string[] {
  const now = Date.now();
  const fresh = [...heartbeats.values()].filter(({ seenAt }) => now - seenAt < GONE_AFTER_MS);
  return [...new Set(fresh.map(({ name }) => name))].sort();
}

/** Deletes the heartbeats of clients long gone, which would otherwise stay in the manifest. */
export function forgetStale(db: MPS3, heartbeats: ReadonlyMap<string, Presence>): void {
  const now = Date.now();
  for (const [key, { seenAt }] of heartbeats) if (now - seenAt > FORGET_AFTER_MS) void db.delete(key, { await: "local" });
}

/** How often to recompute who is here, as heartbeats age. */
export const PRESENCE_REFRESH_MS = HEARTBEAT_MS;
