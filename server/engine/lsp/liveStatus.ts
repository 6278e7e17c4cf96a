// LiveStatus: the one `theorylab/serverStatus` stream of the server. It merges the solver runner's
// jobs (LspRunner's status callback), block runs and scheduled auto-runs, and derives `quiescent`
// (rust-analyzer's serverStatus.quiescent: results may still change while any of them is pending).
import type { ServerStatusParams } from '../../../protocol';

export class LiveStatus {
  private backend = 'cpu';
  private runnerJobs = 0;
  private runnerMessage: string | undefined;
  private blockRuns = 0;
  private scheduled = 0;
  private last = '';

  constructor(private readonly send: (p: ServerStatusParams) => void) {}

  current(): ServerStatusParams {
    const busy = this.runnerJobs > 0 || this.blockRuns > 0;
    return {
      state: busy ? 'busy' : 'ready', backend: this.backend, runningJobs: Math.max(this.runnerJobs, this.blockRuns),
      ...(this.runnerMessage ? { message: this.runnerMessage } : {}),
      quiescent: !busy && this.scheduled === 0,
    };
  }

  /** Sends the status if it differs from the last one sent (`force`: always). */
  publish(force = false): void {
    const p = this.current();
    const key = JSON.stringify(p);
    if (!force && key === this.last) return;
    this.last = key;
    this.send(p);
  }

  /** A status of the solver runner (LspRunner's `onStatus`), merged in. */
  fromRunner(p: ServerStatusParams): void {
    if (p.backend) this.backend = p.backend;
    this.runnerJobs = p.runningJobs ?? 0;
    this.runnerMessage = p.message;
    this.publish();
  }

  /** Counts a block run (requested or automatic) while `f` runs. */
  async track<T>(f: () => Promise<T>): Promise<T> {
    this.blockRuns++;
    this.publish();
    try { return await f(); } finally { this.blockRuns--; this.publish(); }
  }

  scheduledDelta(d: number): void { this.scheduled = Math.max(0, this.scheduled + d); this.publish(); }
}
