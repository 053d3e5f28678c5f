/*
 * Failed-authentication limiting: a token bucket per client (IP). Each failed attempt takes a token;
 * tokens flow back at `failures` per `windowMs`. An empty bucket refuses the client before its token is
 * even checked, so guessing keys stays slow whatever the guesses are. In memory and per process: a
 * restart forgets, which is fine for slowing down guessing.
 */

export interface FailureLimiterOptions {
  /** Failures allowed in a burst, and refilled per window. */
  failures?: number;
  windowMs?: number;
  /** Clients tracked at most; full (forgiven) buckets are dropped first, then the oldest. */
  maxClients?: number;
  now?: () => number;
}

interface Bucket {
  tokens: number;
  at: number;
}

export class FailureLimiter {
  private readonly capacity: number;
  private readonly perMs: number;
  private readonly maxClients: number;
  private readonly now: () => number;
  private readonly buckets = new Map<string, Bucket>();

  constructor(options: FailureLimiterOptions = {}) {
    this.capacity = options.failures ?? 10;
    this.perMs = this.capacity / (options.windowMs ?? 60_000);
    this.maxClients = options.maxClients ?? 10_000;
    this.now = options.now ?? Date.now;
  }

  /** Whole seconds the client must wait before its next attempt; 0 = it may try now. */
  retryAfterSeconds(client: string): number {
    const tokens = this.refill(client);
    if (tokens >= 1) return 0;
    // Whole milliseconds first, so float dust (2000.0000001 ms) does not round a wait up a second.
    return Math.ceil(Math.round((1 - tokens) / this.perMs) / 1000);
  }

  recordFailure(client: string): void {
    const tokens = this.refill(client);
    this.buckets.delete(client); // re-insert: Map order then runs from least to most recently failing
    this.buckets.set(client, { tokens: Math.max(0, tokens - 1), at: this.now() });
    if (this.buckets.size > this.maxClients) this.prune();
  }

  /** Tracked clients (for tests and bounds checks). */
  get size(): number {
    return this.buckets.size;
  }

  private refill(client: string): number {
    const bucket = this.buckets.get(client);
    if (!bucket) return this.capacity;
    return Math.min(this.capacity, bucket.tokens + (this.now() - bucket.at) * this.perMs);
  }

  private prune(): void {
    for (const [client] of this.buckets) {
      if (this.refill(client) >= this.capacity) this.buckets.delete(client);
    }
    for (const [client] of this.buckets) {
      if (this.buckets.size <= this.maxClients) break;
      this.buckets.delete(client);
    }
  }
}
