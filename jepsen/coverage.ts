/**
 * Which protocol paths a simulation reached. Clients log, at debug level,
 * `path: <what happened>[ <count> ...]` for paths worth counting and
 * `transition <machine>: <from> --<event>--> <to>` for every move of a
 * protocol state machine. A `CoverageCounter` turns one schedule's lines into
 * marks with hit counts; a `CoverageTable` adds up schedules and tells, per
 * mark, how many schedules reached it.
 */

import { allowedTransitions, type Lifecycle } from "../protocol/lifecycle.ts";

/** A path mark drops everything from its first number on: `path: autoclean deleted 3 log objects` is `path: autoclean deleted`. */
const PATH_LINE = /^path: ([^\d]*[^\d\s])/;
const TRANSITION_LINE = /^transition ([^:\s]+): (\S+) --(\S+)--> (\S+)$/;

export function transitionMark(machine: string, from: string, event: string, to: string): string {
  return `transition ${machine}: ${from} --${event}--> ${to}`;
}

/** The mark a log line counts as, or undefined when it is neither a path nor a transition line. */
export function markOf(line: string): string | undefined {
  const path = PATH_LINE.exec(line);
  if (path) return `path: ${path[1]}`;
  const move = TRANSITION_LINE.exec(line);
  return move ? transitionMark(move[1]!, move[2]!, move[3]!, move[4]!) : undefined;
}

/** Every transition the lifecycles allow, as marks. */
export function transitionMarks(lifecycles: readonly Lifecycle[]): string[] {
  return lifecycles.flatMap((lifecycle) => allowedTransitions(lifecycle).map(({ machine, from, event, to }) => transitionMark(machine, from, event, to)));
}

/** Whether a schedule hit one of `marks` (several marks may name one path, as a path line or as a transition). */
export function reachesAny(hits: ReadonlyMap<string, number>, marks: readonly string[]): boolean {
  return marks.some((mark) => (hits.get(mark) ?? 0) > 0);
}

/** The marks of one schedule, with how often each was hit. */
export class CoverageCounter {
  private readonly counts = new Map<string, number>();

  record(line: string): void {
    const mark = markOf(line);
    if (mark !== undefined) this.counts.set(mark, (this.counts.get(mark) ?? 0) + 1);
  }

  hits(): ReadonlyMap<string, number> {
    return this.counts;
  }
}

export interface CoverageRow {
  mark: string;
  /** Schedules that hit the mark at least once. */
  schedules: number;
  hits: number;
}

/** Coverage over many schedules; `expected` marks are listed even when no schedule reached them. */
export class CoverageTable {
  private readonly rowsByMark = new Map<string, CoverageRow>();
  private scheduleCount = 0;

  constructor(expected: Iterable<string> = []) {
    for (const mark of expected) this.row(mark);
  }

  get schedules(): number {
    return this.scheduleCount;
  }

  add(hits: ReadonlyMap<string, number>): void {
    this.scheduleCount++;
    for (const [mark, count] of hits) {
      if (count === 0) continue;
      const row = this.row(mark);
      row.schedules++;
      row.hits += count;
    }
  }

  /** Adds up another table's rows (over `schedules` schedules), as when schedules ran in several processes. */
  merge(rows: readonly CoverageRow[], schedules: number): void {
    this.scheduleCount += schedules;
    for (const { mark, schedules: reached, hits } of rows) {
      const row = this.row(mark);
      row.schedules += reached;
      row.hits += hits;
    }
  }

  /** Path marks first, then transitions, each in alphabetical order. */
  rows(): CoverageRow[] {
    return [...this.rowsByMark.values()].sort((a, b) => kindOrder(a.mark) - kindOrder(b.mark) || a.mark.localeCompare(b.mark));
  }

  unreached(): string[] {
    return this.rows()
      .filter((row) => row.schedules === 0)
      .map((row) => row.mark);
  }

  render(): string {
    const rows = this.rows();
    const width = Math.max(4, ...rows.map((row) => row.mark.length));
    const percent = (row: CoverageRow) => (this.scheduleCount === 0 ? 0 : (100 * row.schedules) / this.scheduleCount).toFixed(1);
    const lines = [`${"mark".padEnd(width)}  ${"schedules".padStart(9)}  ${"%".padStart(6)}  ${"hits".padStart(9)}`];
    for (const row of rows)
      lines.push(`${row.mark.padEnd(width)}  ${String(row.schedules).padStart(9)}  ${percent(row).padStart(6)}  ${String(row.hits).padStart(9)}`);
    return lines.join("\n");
  }

  private row(mark: string): CoverageRow {
    let row = this.rowsByMark.get(mark);
    if (row === undefined) this.rowsByMark.set(mark, (row = { mark, schedules: 0, hits: 0 }));
    return row;
  }
}

function kindOrder(mark: string): number {
  return mark.startsWith("path: ") ? 0 : 1;
}
