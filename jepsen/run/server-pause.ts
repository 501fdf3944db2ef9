/** Pauses local server processes with SIGSTOP and continues them with SIGCONT, never leaving one stopped behind. */
export class ServerPause {
  private paused = false;
  private readonly continueOnExit = () => this.resume();

  constructor(private readonly pids: readonly number[]) {
    for (const pid of pids) process.kill(pid, 0); // throws at once for a pid that is not there
  }

  pause(): string {
    if (this.paused) throw new Error("the servers are already paused");
    this.paused = true;
    process.once("exit", this.continueOnExit);
    for (const pid of this.pids) process.kill(pid, "SIGSTOP");
    return `SIGSTOP pid ${this.pids.join(", ")}`;
  }

  /** In the reverse order of stopping; does nothing unless paused. */
  resume(): string {
    if (!this.paused) return "not paused";
    this.paused = false;
    process.off("exit", this.continueOnExit);
    for (const pid of [...this.pids].reverse()) process.kill(pid, "SIGCONT");
    return `SIGCONT pid ${this.pids.join(", ")}`;
  }
}
