/**
 * Objects planted in a simulation's bucket while clients run, as a stranger
 * or a broken tool might leave them: keys a client lists or might fetch,
 * with bodies it must refuse (or, for content-looking keys, never read).
 */
import type { TimingBounds } from "../protocol/bounds.ts";
import { encodeCheckpoint, encodeEntry } from "../protocol/entry-codec.ts";
import { checkpointKey, contentKey, entryKey } from "../protocol/log-keys.ts";
import { MAX_UNREADABLE_CHECKPOINTS } from "../protocol/sync-machine.ts";

/** `checkpoints` is a burst: more unreadable checkpoints in a row than a sync tries before giving up a round. */
export const PLANT_KINDS = ["checkpoint", "checkpoints", "entry", "content", "marker"] as const;
export type PlantKind = (typeof PLANT_KINDS)[number];

export interface PlantSite {
  manifest: string;
  /** A user key, for content-looking objects. */
  key: string;
  storeNowMs: number;
  bounds: TimingBounds;
  versioned: boolean;
  /** Distinguishes the plants of one run. */
  serial: number;
  /** How far in the past the planted log object's timestamp lies, 0-30 s. */
  ageMs: number;
}

const PLANTED_SESSION = "planted";

/**
 * A checkpoint key whose LastModified (now) is at least the stale bound after
 * its ts, so that it passes the key-level validity check, and an entry key
 * within the bound: each is listed as valid and must be refused by its body.
 */
export function plantedObjects(kind: PlantKind, site: PlantSite): Array<{ key: string; body: string }> {
  if (kind !== "checkpoints") return [plantedObject(kind, site)];
  return Array.from({ length: MAX_UNREADABLE_CHECKPOINTS + 1 }, (_, i) =>
    plantedObject("checkpoint", { ...site, serial: site.serial + i, ageMs: site.ageMs + i * CHECKPOINT_BURST_GAP_MS }),
  );
}

const CHECKPOINT_BURST_GAP_MS = 10;

function plantedObject(kind: Exclude<PlantKind, "checkpoints">, site: PlantSite): { key: string; body: string } {
  const { manifest, storeNowMs, bounds, serial } = site;
  switch (kind) {
    case "checkpoint": {
      const ts = storeNowMs - bounds.staleMs - site.ageMs;
      return { key: checkpointKey(manifest, ts), body: garbage(serial, () => encodeCheckpoint({ ts: ts + 1, state: [] })) };
    }
    case "entry": {
      const ts = storeNowMs - (site.ageMs % Math.floor(bounds.staleMs / 2));
      const body = () => encodeEntry({ ts: ts + 1, session: PLANTED_SESSION, seq: serial, ops: [] });
      return { key: entryKey(manifest, ts, PLANTED_SESSION, serial), body: garbage(serial, body) };
    }
    case "content":
      // Content objects are addressed by version id in a versioned bucket, by a unique key otherwise.
      return { key: site.versioned ? site.key : contentKey(site.key, `${PLANTED_SESSION}${serial}`), body: JSON.stringify({ planted: serial }) };
    case "marker":
      return { key: manifest, body: `planted ${serial}` };
  }
}

/** Not JSON, JSON of the wrong shape, or a well-formed body that does not match its key. */
function garbage(serial: number, mismatched: () => string): string {
  return [`{"mps3":1,"ts":`, "{}", mismatched()][serial % 3]!;
}
