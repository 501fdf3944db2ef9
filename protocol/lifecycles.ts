import { COMMIT_LIFECYCLES } from "./commit-machine.ts";
import type { Lifecycle } from "./lifecycle.ts";
import { MAINTENANCE_LIFECYCLE } from "./maintenance-machine.ts";
import { SYNC_LIFECYCLE } from "./sync-machine.ts";

/** Every lifecycle table of the protocol's machines, for coverage tables and the docs' diagrams. */
export const LIFECYCLES: readonly Lifecycle[] = [...COMMIT_LIFECYCLES, SYNC_LIFECYCLE, MAINTENANCE_LIFECYCLE];
