/** The DOM of one client's pane, cloned from the templates in index.html. */
import type { Todo } from "./todos.ts";

export type TodoState = "pending" | "saved";

export interface PaneActions {
  add(text: string): void;
  setDone(key: string, todo: Todo, done: boolean): void;
  remove(key: string): void;
  refuseWrites(refusing: boolean): void;
}

const MAX_ERRORS_SHOWN = 5;

export class PaneView {
  private readonly root: HTMLElement;

  constructor(parent: HTMLElement, name: string, private readonly actions: PaneActions) {
    this.root = cloneTemplate("pane");
    this.root.dataset.client = name;
    this.part("name").textContent = name;
    const form = this.part<HTMLFormElement>("add");
    const input = this.part<HTMLInputElement>("new-text");
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      const text = input.value.trim();
      if (text === "") return;
      actions.add(text);
      input.value = "";
    });
    const refuse = this.part<HTMLInputElement>("refuse");
    refuse.addEventListener("change", () => actions.refuseWrites(refuse.checked));
    parent.append(this.root);
  }

  showStatus(text: string, failed = false): void {
    const status = this.part("status");
    status.textContent = text;
    status.classList.toggle("failed", failed);
  }

  showPresent(names: string[], self: string): void {
    this.part("present").replaceChildren(
      ...names.map((name) => {
        const item = document.createElement("li");
        item.textContent = name === self ? `${name} (you)` : name;
        return item;
      }),
    );
  }

  showTodos(todos: Array<[string, Todo]>, stateOf: (key: string) => TodoState): void {
    this.part("todos").replaceChildren(...todos.map(([key, todo]) => this.todoItem(key, todo, stateOf(key))));
  }

  showError(message: string): void {
    const errors = this.part("errors");
    const item = document.createElement("li");
    item.textContent = message;
    errors.prepend(item);
    while (errors.children.length > MAX_ERRORS_SHOWN) errors.lastElementChild!.remove();
  }

  private todoItem(key: string, todo: Todo, state: TodoState): HTMLElement {
    const item = cloneTemplate("todo");
    item.dataset.key = key;
    item.dataset.state = state;
    item.classList.toggle("done", todo.done);
    const done = part<HTMLInputElement>(item, "done");
    done.checked = todo.done;
    done.addEventListener("change", () => this.actions.setDone(key, todo, done.checked));
    part(item, "text").textContent = todo.text;
    part(item, "meta").textContent = `${todo.by}${state === "pending" ? " · saving…" : ""}`;
    part(item, "remove").addEventListener("click", () => this.actions.remove(key));
    return item;
  }

  private part<E extends HTMLElement = HTMLElement>(name: string): E {
    return part<E>(this.root, name);
  }
}

function cloneTemplate(id: string): HTMLElement {
  const template = document.getElementById(id);
  if (!(template instanceof HTMLTemplateElement)) throw new Error(`index.html has no template #${id}`);
  return template.content.firstElementChild!.cloneNode(true) as HTMLElement;
}

function part<E extends HTMLElement = HTMLElement>(root: HTMLElement, name: string): E {
  const element = root.querySelector<E>(`[data-part="${name}"]`);
  if (element === null) throw new Error(`template has no [data-part="${name}"]`);
  return element;
}
