/**
 * The nemesis schedule: after each quiet interval, the next fault in turn
 * (kill, pause, faults) for its duration, then healed. Every start and stop
 * is recorded as a nemesis event. Stopping heals the fault in progress.
 */
import type { Env } from "../../impl/env.ts";
import type { SeededRandom } from "../../model/seeded-random.ts";
import type { HistoryRecorder } from "../recorder.ts";
import type { ClientSlot } from "./client-slot.ts";
import type { NemesisFault, NemesisSchedule } from "./run-options.ts";
import { ServerPause } from "./server-pause.ts";

export interface NemesisContext {
  schedule: NemesisSchedule;
  slots: readonly ClientSlot[];
  recorder: HistoryRecorder;
  env: Env;
  random: SeededRandom;
  /** Aborted when the workload ends. */
  stop: AbortSignal;
}

/** Resolves once the last fault is healed, after `stop` is aborted. */
export async function runNemesis(context: NemesisContext): Promise<void> {
  const { schedule, stop, env } = context;
  if (schedule.faults.length === 0) return;
  const servers = schedule.faults.includes("pause") ? new ServerPause(schedule.serverPids) : undefined;
  for (let round = 0; !stop.aborted; round++) {
    await sleepUnlessStopped(env, schedule.intervalMs, stop);
    if (stop.aborted) break;
    const fault = schedule.faults[round % schedule.faults.length]!;
    const heal = await inject(fault, context, servers);
    try {
      await sleepUnlessStopped(env, schedule.durationMs, stop);
    } finally {
      context.recorder.nemesis({ fault, phase: "stop", detail: await heal() });
    }
  }
}

/** Starts `fault` and records it; returns what heals it. */
async function inject(fault: NemesisFault, context: NemesisContext, servers: ServerPause | undefined): Promise<() => Promise<string>> {
  const { recorder, slots, random, schedule } = context;
  const start = (detail: string) => recorder.nemesis({ fault, phase: "start", detail });
  switch (fault) {
    case "kill": {
      const live = slots.filter((slot) => slot.live !== undefined);
      const victim = live[Math.floor(random.next() * live.length)];
      if (victim === undefined) {
        start("no client alive");
        return async () => "nothing to restart";
      }
      start(`killed ${await victim.kill()}`);
      return async () => {
        const next = await victim.launch();
        return `restarted as ${next.name} (${next.client.where})`;
      };
    }
    case "pause":
      start(servers!.pause());
      return async () => servers!.resume();
    case "faults": {
      for (const slot of slots) slot.live?.client.setFaultRates(schedule.rates);
      start(`storage faults ${JSON.stringify(schedule.rates)} at every client`);
      return async () => {
        for (const slot of slots) slot.live?.client.heal();
        return "healed every client's storage";
      };
    }
  }
}

function sleepUnlessStopped(env: Env, ms: number, stop: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      env.clearTimeout(timer);
      stop.removeEventListener("abort", done);
      resolve();
    };
    const timer = env.setTimeout(done, ms);
    stop.addEventListener("abort", done, { once: true });
  });
}
