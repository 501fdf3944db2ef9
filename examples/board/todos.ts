import type { Json } from "../../impl/browser.ts";

/** Each to-do is its own key, so concurrent edits of different to-dos never conflict. */
export const TODO_PREFIX = "todo/";

export type Todo = {
  text: string;
  done: boolean;
  by: string;
  createdAt: number;
};

export function isTodo(value: Json | undefined): value is Todo {
  return (
    typeof value === "object" &&
    value !== null &&
    !Array.isArray(value) &&
    typeof value.text === "string" &&
    typeof value.done === "boolean" &&
    typeof value.by === "string" &&
    typeof value.createdAt === "number"
  );
}

export function newTodo(text: string, by: string): { key: string; todo: Todo } {
  return { key: TODO_PREFIX + crypto.randomUUID(), todo: { text, done: false, by, createdAt: Date.now() } };
}

/** Oldest first; ties by key, so that every client lists them alike. */
export function inBoardOrder(todos: ReadonlyMap<string, Todo>): Array<[string, Todo]> {
  return [...todos].sort(([keyA, a], [keyB, b]) => a.createdAt - b.createdAt || (keyA < keyB ? -1 : keyA > keyB ? 1 : 0));
}
