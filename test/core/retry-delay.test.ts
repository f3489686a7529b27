// Retry waits: growing backoff, Retry-After in seconds or as a date, capped.
import { describe, expect, test } from "bun:test";
import { parseRetryAfter, retryDelayMs } from "../../src/core/retry-delay.ts";

const NOW = Date.parse("2026-11-24T10:00:00Z");

describe("parseRetryAfter", () => {
  test.each<[string | null, number | null]>([
    [null, null],
    ["", null],
    ["0", 0],
    ["1", 1000],
    [" 120 ", 120_000],
    ["1.5", null],
    ["-1", null],
    ["soon", null],
    ["Tue, 24 Nov 2026 10:00:30 GMT", 30_000],
    ["Tue, 24 Nov 2026 09:00:00 GMT", 0],
  ])("%p → %p", (header, ms) => {
    expect(parseRetryAfter(header, NOW)).toBe(ms);
  });
});

describe("retryDelayMs", () => {
  const base = { backoffMs: 1000, maxRetryAfterMs: 60_000 };
  test.each<[number, number | null, number]>([
    [1, null, 1000],
    [2, null, 2000],
    [1, 0, 1000],
    [1, 5000, 5000],
    [2, 1000, 2000],
    [1, 120_000, 60_000],
  ])("retry %p with Retry-After %p → %p ms", (retry, retryAfterMs, ms) => {
    expect(retryDelayMs({ ...base, retry, retryAfterMs })).toBe(ms);
  });
});
