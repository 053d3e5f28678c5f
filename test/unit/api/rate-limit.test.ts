import { describe, expect, it } from 'vitest';
import { FailureLimiter } from '../../../api/rate-limit';

/** The failed-auth token bucket on a hand-driven clock. */
function limiter(options: { maxClients?: number } = {}) {
  let now = 0;
  const l = new FailureLimiter({ failures: 10, windowMs: 60_000, now: () => now, ...options });
  const advance = (ms: number) => {
    now += ms;
  };
  return { l, advance };
}

describe('FailureLimiter', () => {
  it('allows 10 failures, then makes the client wait until one attempt has flowed back (6 s)', () => {
    const { l, advance } = limiter();
    for (let i = 0; i < 10; i++) {
      expect(l.retryAfterSeconds('a')).toBe(0);
      l.recordFailure('a');
    }
    expect(l.retryAfterSeconds('a')).toBe(6);
    expect(l.retryAfterSeconds('b')).toBe(0);
    advance(4_000);
    expect(l.retryAfterSeconds('a')).toBe(2);
    advance(2_000);
    expect(l.retryAfterSeconds('a')).toBe(0);
    l.recordFailure('a');
    expect(l.retryAfterSeconds('a')).toBe(6);
  });

  it('forgives fully after a quiet minute', () => {
    const { l, advance } = limiter();
    for (let i = 0; i < 10; i++) l.recordFailure('a');
    advance(60_000);
    for (let i = 0; i < 10; i++) {
      expect(l.retryAfterSeconds('a')).toBe(0);
      l.recordFailure('a');
    }
    expect(l.retryAfterSeconds('a')).toBeGreaterThan(0);
  });

  it('tracks a bounded number of clients, dropping forgiven ones first, then the least recent', () => {
    const { l, advance } = limiter({ maxClients: 3 });
    l.recordFailure('old');
    advance(60_000); // 'old' is forgiven by now
    for (let i = 0; i < 10; i++) l.recordFailure('busy');
    l.recordFailure('c');
    l.recordFailure('d');
    expect(l.size).toBe(3);
    expect(l.retryAfterSeconds('busy')).toBe(6);
    l.recordFailure('e');
    expect(l.size).toBe(3);
    // 'busy' failed least recently of the unforgiven ones and was dropped to make room.
    expect(l.retryAfterSeconds('busy')).toBe(0);
  });
});
