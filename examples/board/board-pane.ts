/**
 * One client of the board: an MPS3 client on the given storage, the to-dos
 * and who is here as it sees them, and its writes. A write shows at once
 * (the client's optimistic value), is marked "saving…" until the bucket has
 * it, and is withdrawn with a visible error if it fails.
 */
import { MPS3, type ManifestEvent, type Storage } from "../../impl/browser.ts";
import { WriteError } from "../../impl/write-errors.ts";
import { PaneView, type TodoState } from "./pane-view.ts";
import { switchableWrites } from "./write-switch.ts";
import { announce, forgetStale, isPresence, presentNames, PRESENCE_PREFIX, PRESENCE_REFRESH_MS, type Presence } from "./presence.ts";
import { inBoardOrder, isTodo, newTodo, TODO_PREFIX, type Todo } from "./todos.ts";

export interface PaneOptions {
  storage: Storage;
  bucket: string;
  name: string;
}

export function mountPane(parent: HTMLElement, { storage, bucket, name }: PaneOptions): void {
  let refusing = false;
  const db = new MPS3({ defaultBucket: bucket, storage: switchableWrites(storage, () => refusing), label: name });
  const todos = new Map<string, Todo>();
  const heartbeats = new Map<string, Presence>();
  const unacknowledged = new Map<string, number>();
  const stateOf = (key: string): TodoState => ((unacknowledged.get(key) ?? 0) > 0 ? "pending" : "saved");

  const view: PaneView = new PaneView(parent, name, {
    add: (text) => {
      const { key, todo } = newTodo(text, name);
      write(key, todo, `add “${text}”`);
    },
    setDone: (key, todo, done) => write(key, { ...todo, done }, `${done ? "tick" : "untick"} “${todo.text}”`),
    remove: (key) => write(key, undefined, `delete “${todos.get(key)?.text ?? key}”`),
    refuseWrites: (on) => (refusing = on),
  });
  const showTodos = () => view.showTodos(inBoardOrder(todos), stateOf);
  const showPresent = () => view.showPresent(presentNames(heartbeats), name);

  function write(key: string, value: Todo | undefined, what: string): void {
    unacknowledged.set(key, (unacknowledged.get(key) ?? 0) + 1);
    db.put(key, value)
      .catch((error: Error) => {
        const outcome = error instanceof WriteError ? ` (${error.outcome})` : "";
        view.showError(`Could not ${what}: ${error.message}${outcome}`);
      })
      .finally(() => {
        unacknowledged.set(key, unacknowledged.get(key)! - 1);
        showTodos();
      });
  }

  db.watch((event: ManifestEvent) => {
    const value = event.type === "set" ? event.value : undefined;
    if (event.key.startsWith(TODO_PREFIX)) {
      if (isTodo(value)) todos.set(event.key, value);
      else todos.delete(event.key);
      showTodos();
    } else if (event.key.startsWith(PRESENCE_PREFIX)) {
      if (isPresence(value)) heartbeats.set(event.key, value);
      else heartbeats.delete(event.key);
      showPresent();
    }
  });
  db.ready().then(
    () => view.showStatus(`in sync with bucket ${bucket}`),
    (error: Error) => view.showStatus(`cannot sync: ${error.message}`, true),
  );
  announce(db, name);
  setInterval(() => {
    showPresent();
    forgetStale(db, heartbeats);
  }, PRESENCE_REFRESH_MS);
}
