/**
 * Lifecycles as data, in the manner of h11's state tables: for each state,
 * the events it allows and the state each leads to. A machine moves only by
 * `transition`, so an event its table does not allow is caught at once,
 * named with the state it arrived in, and changes nothing.
 */
export interface Lifecycle<S extends string = string, E extends string = string> {
  readonly name: string;
  readonly transitions: { readonly [state in S]: { readonly [event in E]?: S } };
}

export interface Transition {
  machine: string;
  from: string;
  event: string;
  to: string;
}

/** The caller broke the protocol: it reported an event the current state does not allow. */
export class ProtocolError extends Error {
  override readonly name = "ProtocolError";
}

export function transition<S extends string, E extends string>(lifecycle: Lifecycle<S, E>, from: S, event: E): S {
  const to = lifecycle.transitions[from]?.[event];
  if (to === undefined) throw new ProtocolError(`${lifecycle.name}: event "${event}" is not allowed in state "${from}"`);
  return to;
}

export function isFinal<S extends string>(lifecycle: Lifecycle<S>, state: S): boolean {
  return Object.keys(lifecycle.transitions[state]).length === 0;
}

/** Every (state, event) pair a lifecycle allows, for coverage tables and diagrams. */
export function allowedTransitions(lifecycle: Lifecycle): Transition[] {
  const pairs: Transition[] = [];
  for (const [from, events] of Object.entries(lifecycle.transitions) as Array<[string, Record<string, string>]>) {
    for (const [event, to] of Object.entries(events)) pairs.push({ machine: lifecycle.name, from, event, to });
  }
  return pairs;
}
