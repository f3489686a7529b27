// How long to wait before retrying a heartbeat: growing backoff, or the server's Retry-After up to a cap.

/** Retry-After in milliseconds from now: whole seconds or an HTTP date; null when absent or unreadable. */
export function parseRetryAfter(header: string | null | undefined, nowMs: number): number | null {
  const text = (header ?? "").trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  // A date must name a day or month: a bare number of another shape is not one.
  if (!/[a-z]/i.test(text)) return null;
  const at = Date.parse(text);
  return Number.isNaN(at) ? null : Math.max(0, at - nowMs);
}

export interface RetryTiming {
  /** 1 for the first retry. */
  retry: number;
  retryAfterMs: number | null;
  backoffMs: number;
  maxRetryAfterMs: number;
}

/** Every retry waits at least the backoff (doubling each time); a Retry-After is honoured up to the cap. */
export function retryDelayMs(t: RetryTiming): number {
  const backoff = t.backoffMs * 2 ** Math.max(0, t.retry - 1);
  if (t.retryAfterMs === null) return backoff;
  return Math.max(backoff, Math.min(t.retryAfterMs, t.maxRetryAfterMs));
}
