/**
 * Run clients in worker processes (worker.ts, started with
 * child_process.fork): each operation is sent over IPC and answered there,
 * so the kill nemesis can SIGKILL a client mid-operation.
 */
import { fork, type ChildProcess } from "node:child_process";
import { createRequire } from "node:module";
import { extname } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { WriteError } from "../../impl/write-errors.ts";
import type { FaultCounts } from "../../model/faulty-storage.ts";
import type { SeededRandom } from "../../model/seeded-random.ts";
import type { Json } from "../history.ts";
import type { RecordableClient } from "../recorder.ts";
import type { RunClient, StartClient } from "./run-client.ts";
import type { FromWorker, ToWorker, WorkerCall, WorkerConfig } from "./worker-protocol.ts";

/** Next to this module, with its extension: worker.ts from the sources, worker.js from dist/. */
const WORKER_PATH = fileURLToPath(new URL(`./worker${extname(fileURLToPath(import.meta.url))}`, import.meta.url));
/** TypeScript sources need tsx's loader in the child too. */
const WORKER_EXEC_ARGV = WORKER_PATH.endsWith(".ts")
  ? ["--import", pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href]
  : [];
const STDERR_KEPT_CHARS = 2_000;

export function workerClients(config: Omit<WorkerConfig, "name" | "seed">, random: SeededRandom, warnings: string[]): StartClient {
  return async (name, onDeath) => {
    const child = fork(WORKER_PATH, [], { execArgv: WORKER_EXEC_ARGV, stdio: ["ignore", "ignore", "pipe", "ipc"] });
    const worker = new WorkerProcess(child, name, warnings, onDeath);
    await worker.start({ ...config, name, seed: random.fork(name).nextUint32() });
    return worker;
  };
}

type Waiter = { resolve: (value: Json | null) => void; reject: (error: Error) => void };

class WorkerProcess implements RunClient {
  readonly client: RecordableClient;
  readonly where: string;
  readonly dead: Promise<void>;
  private readonly calls = new Map<number, Waiter>();
  private readonly handlers = new Map<number, (value: Json | undefined) => void>();
  private nextId = 0;
  private killed = false;
  private stderr = "";
  /** Set once the process has exited: a call made afterwards is never sent. */
  private gone?: Error;
  private ready?: Waiter;
  private stopped?: (faults: FaultCounts) => void;

  constructor(
    private readonly child: ChildProcess,
    private readonly name: string,
    private readonly warnings: string[],
    private readonly onDeath: (reason: string) => void,
  ) {
    this.where = `pid ${child.pid}`;
    child.stderr!.on("data", (chunk: Buffer) => (this.stderr = (this.stderr + chunk.toString()).slice(-STDERR_KEPT_CHARS)));
    child.on("message", (message: FromWorker) => this.receive(message));
    this.dead = new Promise((resolve) => child.once("exit", (code, signal) => resolve(this.exited(code, signal))));
    this.client = {
      put: (key, value) => this.call({ op: "put", key, value: value ?? null }).then(() => undefined),
      delete: (key) => this.call({ op: "put", key, value: null }).then(() => undefined),
      putAll: (values) => this.call({ op: "putAll", pairs: [...values].map(([key, value]) => [key, value ?? null]) }).then(() => undefined),
      get: (key) => this.call({ op: "get", key }).then((value) => value ?? undefined),
      subscribe: (key, handler) => this.subscribe(key, handler),
    };
  }

  start(config: WorkerConfig): Promise<void> {
    const started = new Promise<Json | null>((resolve, reject) => (this.ready = { resolve, reject }));
    this.send({ type: "init", config });
    return started.then(() => undefined);
  }

  setFaultRates(rates: Parameters<RunClient["setFaultRates"]>[0]): void {
    this.send({ type: "faults", rates });
  }

  heal(): void {
    this.send({ type: "heal" });
  }

  async kill(): Promise<void> {
    this.killed = true;
    this.child.kill("SIGKILL");
    await this.dead;
  }

  async shutdown(): Promise<FaultCounts> {
    const faults = new Promise<FaultCounts>((resolve) => (this.stopped = resolve));
    this.send({ type: "shutdown" });
    const counts = await Promise.race([faults, this.dead.then(() => Promise.reject(new Error(`worker ${this.name} died while shutting down`)))]);
    await this.dead;
    return counts;
  }

  private call(call: WorkerCall): Promise<Json | null> {
    if (this.gone !== undefined) return Promise.reject(this.gone);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.calls.set(id, { resolve, reject });
      this.send({ type: "call", id, call });
    });
  }

  private subscribe(key: string, handler: (value: Json | undefined) => void): () => void {
    const subscription = this.nextId++;
    this.handlers.set(subscription, handler);
    this.send({ type: "subscribe", subscription, key });
    return () => {
      if (this.handlers.delete(subscription)) this.send({ type: "unsubscribe", subscription });
    };
  }

  private send(message: ToWorker): void {
    if (this.child.connected) this.child.send(message);
  }

  private receive(message: FromWorker): void {
    switch (message.type) {
      case "ready":
        return this.ready?.resolve(null);
      case "result":
        return this.settle(message.id)?.resolve(message.value);
      case "error":
        return this.settle(message.id)?.reject(
          message.outcome === undefined ? new Error(message.message) : new WriteError(message.message, message.outcome),
        );
      case "notify":
        return this.handlers.get(message.subscription)?.(message.value ?? undefined);
      case "warning":
        return void this.warnings.push(`${this.name}: ${message.message}`);
      case "stopped":
        return this.stopped?.(message.faults);
    }
  }

  private settle(id: number): Waiter | undefined {
    const waiter = this.calls.get(id);
    this.calls.delete(id);
    return waiter;
  }

  /** The owner hears of the death first, so that what was pending is recorded as unknown, not failed. */
  private exited(code: number | null, signal: NodeJS.Signals | null): void {
    const expected = this.killed || (code === 0 && this.stopped !== undefined);
    const reason = `worker ${this.name} (${this.where}) exited with ${signal ?? `code ${code}`}${this.stderr ? `: ${this.stderr.trim()}` : ""}`;
    if (!expected) this.onDeath(reason);
    const gone = (this.gone = new Error(reason));
    this.ready?.reject(gone);
    for (const waiter of this.calls.values()) waiter.reject(gone);
    this.calls.clear();
    this.handlers.clear();
  }
}
