import type { Transition } from "../protocol/lifecycle.ts";
import type { Logger } from "./logger.ts";

/** The line the simulation's coverage table counts (jepsen/coverage.ts). */
export function logTransition(log: Logger, { machine, from, event, to }: Transition): void {
  log("debug", `transition ${machine}: ${from} --${event}--> ${to}`);
}
