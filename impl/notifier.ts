import type { Json } from "../protocol/json-value.ts";

/**
 * Called with the key's value on every change; with the last value it was
 * given and an `error` when the client cannot sync the manifest (a missing
 * bucket, refused credentials).
 */
export type Handler = (value: Json | undefined, error?: Error) => void;

export type ManifestEvent =
  | { type: "set"; key: string; value: Json }
  | { type: "delete"; key: string };

export type Watcher = (event: ManifestEvent) => void;

const ABSENT = "\u0000absent";

function fingerprint(value: Json | undefined): string {
  return value === undefined ? ABSENT : JSON.stringify(value);
}

/**
 * Delivers each key's value to its subscribers, and every key's changes to
 * manifest watchers, never the same value twice in a row. Deliveries are
 * queued and made from a microtask, in the order the values changed: a
 * handler is never called from inside a client call, and a handler that
 * writes cannot make another subscriber see values out of order. A throwing
 * handler is reported and does not stop the others.
 */
export class Notifier {
  private readonly subscribers = new Map<string, Map<symbol, { handler: Handler; last: string | undefined; value: Json | undefined }>>();
  private readonly watchers = new Map<symbol, { watcher: Watcher; last: Map<string, string> }>();
  private readonly queue: Array<{ key: string; value: Json | undefined; only: symbol | undefined } | { error: Error }> = [];
  private draining = false;

  constructor(private readonly onHandlerError: (error: unknown) => void) {}

  get subscriberCount(): number {
    let count = this.watchers.size;
    for (const handlers of this.subscribers.values()) count += handlers.size;
    return count;
  }

  get watched(): boolean {
    return this.watchers.size > 0;
  }

  hasSubscribers(key: string): boolean {
    return this.watchers.size > 0 || this.subscribers.has(key);
  }

  subscribedKeys(): Iterable<string> {
    return this.subscribers.keys();
  }

  subscribe(key: string, handler: Handler): { id: symbol; remove: () => void } {
    const id = Symbol(key);
    const handlers = this.subscribers.get(key) ?? new Map();
    handlers.set(id, { handler, last: undefined, value: undefined });
    this.subscribers.set(key, handlers);
    return {
      id,
      remove: () => {
        handlers.delete(id);
        if (handlers.size === 0 && this.subscribers.get(key) === handlers) this.subscribers.delete(key);
      },
    };
  }

  watch(watcher: Watcher): { id: symbol; remove: () => void } {
    const id = Symbol("watch");
    this.watchers.set(id, { watcher, last: new Map() });
    return { id, remove: () => this.watchers.delete(id) };
  }

  /** Tells `key`'s subscribers (all, or just `only`) its value, if it changed for them. */
  deliver(key: string, value: Json | undefined, only?: symbol): void {
    this.enqueue({ key, value, only });
  }

  /** Tells every subscriber that the manifest cannot be synced. */
  fail(error: Error): void {
    this.enqueue({ error });
  }

  private enqueue(item: (typeof this.queue)[number]): void {
    this.queue.push(item);
    if (this.draining) return;
    this.draining = true;
    queueMicrotask(() => this.drain());
  }

  private drain(): void {
    for (let next = this.queue.shift(); next; next = this.queue.shift()) {
      if ("error" in next) this.failNow(next.error);
      else this.deliverNow(next.key, next.value, next.only);
    }
    this.draining = false;
  }

  private failNow(error: Error): void {
    for (const handlers of this.subscribers.values()) {
      for (const subscriber of handlers.values()) this.call(() => subscriber.handler(subscriber.value, error));
    }
  }

  private deliverNow(key: string, value: Json | undefined, only: symbol | undefined): void {
    const print = fingerprint(value);
    for (const [id, subscriber] of this.subscribers.get(key) ?? []) {
      if ((only && id !== only) || subscriber.last === print) continue;
      subscriber.last = print;
      subscriber.value = value;
      this.call(() => subscriber.handler(value));
    }
    for (const [id, watch] of this.watchers) {
      if ((only && id !== only) || (watch.last.get(key) ?? ABSENT) === print) continue;
      if (value === undefined) watch.last.delete(key);
      else watch.last.set(key, print);
      const event: ManifestEvent = value === undefined ? { type: "delete", key } : { type: "set", key, value };
      this.call(() => watch.watcher(event));
    }
  }

  private call(fn: () => void): void {
    try {
      fn();
    } catch (error) {
      this.onHandlerError(error);
    }
  }
}
