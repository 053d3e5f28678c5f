/*
 * What `npm start` has started so far, so that a failed start-up, a signal or the embedded Temporal's death
 * stops exactly those parts, newest first, and never leaves a `temporal server start-dev` behind.
 * Every stop is bounded: a part that hangs is logged and left to process exit, the next one still runs.
 */

export interface Part {
  name: string;
  stop(): Promise<void>;
}

const defaultStopTimeoutMs = 15_000;

export class Lifecycle {
  private readonly parts: Part[] = [];
  private readonly abort = new AbortController();
  private stopped: Promise<void> | undefined;

  constructor(
    private readonly log: (msg: string) => void,
    private readonly stopTimeoutMs = defaultStopTimeoutMs,
  ) {}

  /** Aborted once stopping began: start-up steps pass it on so a signal cuts a slow wait short. */
  get signal(): AbortSignal {
    return this.abort.signal;
  }

  get stopping(): boolean {
    return this.stopped !== undefined;
  }

  /** Registers a started part. One that finished starting after stopping began is stopped at once. */
  async add(part: Part): Promise<void> {
    if (this.stopping) {
      await this.stopPart(part);
      this.signal.throwIfAborted();
    }
    this.parts.push(part);
  }

  /** Stops every registered part, newest first; later calls wait for the first one. */
  stop(reason: string): Promise<void> {
    this.stopped ??= this.stopAll(reason);
    return this.stopped;
  }

  private async stopAll(reason: string): Promise<void> {
    this.abort.abort(new Error(`stopping (${reason})`));
    if (this.parts.length === 0) return;
    this.log(`${reason}: stopping`);
    for (let part = this.parts.pop(); part; part = this.parts.pop()) await this.stopPart(part);
    this.log('stopped');
  }

  private async stopPart(part: Part): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), this.stopTimeoutMs);
    });
    try {
      const outcome = await Promise.race([part.stop().then(() => 'done' as const), timeout]);
      if (outcome === 'timeout')
        this.log(`${part.name} did not stop within ${this.stopTimeoutMs / 1000} s; going on`);
    } catch (err) {
      this.log(`${part.name} failed to stop cleanly: ${err instanceof Error ? err.message : String(err)}`);
    } finally {
      clearTimeout(timer);
    }
  }
}
