/**
 * One of a run's clients across its incarnations: killed, it is restarted
 * as a new client session recorded under a new process id (`c1`, `c1r1`, ...),
 * as docs/history-format.md requires of a process whose operation stays unknown.
 */
import type { FaultCounts } from "../../model/faulty-storage.ts";
import type { HistoryRecorder, RecordedProcess } from "../recorder.ts";
import type { RunClient, StartClient } from "./run-client.ts";

interface Incarnation {
  name: string;
  client: RunClient;
  process: RecordedProcess;
  subscriptions: Map<string, () => void>;
}

export class ClientSlot {
  private current: Incarnation | undefined;
  private restarts = 0;
  /** Faults counted by incarnations that shut down; killed ones take their counts with them. */
  readonly faults: FaultCounts[] = [];

  constructor(
    private readonly index: number,
    private readonly start: StartClient,
    private readonly recorder: HistoryRecorder,
    private readonly keys: readonly string[],
    private readonly warnings: string[],
  ) {}

  get live(): Incarnation | undefined {
    return this.current;
  }

  /** Starts the next incarnation, subscribed to every key. */
  async launch(): Promise<Incarnation> {
    if (this.current !== undefined) throw new Error(`client ${this.index} is already running`);
    const name = this.restarts === 0 ? `c${this.index}` : `c${this.index}r${this.restarts}`;
    this.restarts++;
    let incarnation: Incarnation | undefined;
    const client = await this.start(name, (reason) => this.died(incarnation, reason));
    const process = this.recorder.process(name, client.client);
    incarnation = { name, client, process, subscriptions: new Map() };
    for (const key of this.keys) incarnation.subscriptions.set(key, process.subscribe(key));
    this.current = incarnation;
    return incarnation;
  }

  /** Subscribes the live incarnation to `key`, or ends its subscription. */
  toggleSubscription(key: string): void {
    const subscriptions = this.current?.subscriptions;
    if (subscriptions === undefined) return;
    const unsubscribe = subscriptions.get(key);
    if (unsubscribe === undefined) subscriptions.set(key, this.current!.process.subscribe(key));
    else {
      unsubscribe();
      subscriptions.delete(key);
    }
  }

  /** Kills the live incarnation; what it had pending stays unknown in the history. Returns its name and where it ran. */
  async kill(): Promise<string> {
    const victim = this.current;
    if (victim === undefined) throw new Error(`client ${this.index} is not running`);
    this.current = undefined;
    victim.process.crash();
    await victim.client.kill();
    return `${victim.name} (${victim.client.where})`;
  }

  unsubscribeAll(): void {
    this.current?.process.unsubscribeAll();
    this.current?.subscriptions.clear();
  }

  async shutdown(): Promise<void> {
    const incarnation = this.current;
    if (incarnation === undefined) return;
    this.current = undefined;
    incarnation.process.end();
    this.faults.push(await incarnation.client.shutdown());
  }

  /** A death the run did not cause: recorded like a kill, and the client restarted. */
  private died(incarnation: Incarnation | undefined, reason: string): void {
    this.warnings.push(reason);
    if (incarnation === undefined || this.current !== incarnation) return;
    this.current = undefined;
    incarnation.process.crash();
    this.launch().catch((error: Error) => this.warnings.push(`client ${this.index} could not be restarted: ${error.message}`));
  }
}
