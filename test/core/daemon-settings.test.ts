// serve's settings in core: durations, listen addresses, API keys, bodies and the heartbeat schedule.
import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import { ClassifyBodySchema, parseBody, parseEventsBody, parseJsonBody } from "../../src/core/api-bodies.ts";
import { keyFromHeaders, keysMatch, newApiKey } from "../../src/core/api-key.ts";
import { formatDuration, parseDuration } from "../../src/core/duration.ts";
import { afterAttempt, firstPlan, type HeartbeatPlan } from "../../src/core/heartbeat-schedule.ts";
import { isLoopbackHost, listenUrl, parseListen } from "../../src/core/listen.ts";
import { outcomeForExit } from "../../src/core/startup-outcome.ts";

describe("parseDuration", () => {
  test.each<[string, number | null]>([
    ["0", 0],
    ["5m", 300_000],
    ["24h", 86_400_000],
    ["2s", 2000],
    ["500ms", 500],
    ["1h30m", 5_400_000],
    ["1.5s", 1500],
    ["1d", 86_400_000],
    [" 10s ", 10_000],
    ["365d", 31_536_000_000],
    ["366d", null],
    ["", null],
    ["5", null],
    ["m", null],
    ["-5m", null],
    ["5 m", null],
    ["5M", null],
    ["5mx", null],
    ["1e3s", null],
    ["five minutes", null],
  ])("%p → %p", (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  test.each<[number, string]>([
    [300_000, "5m"],
    [86_400_000, "1d"],
    [1500, "1500ms"],
    [2000, "2s"],
    [0, "0ms"],
  ])("formatDuration(%p) → %p", (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });

  test("formatDuration reads back as the same duration", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 31_536_000_000 }), (ms) => {
        expect(parseDuration(formatDuration(ms))).toBe(ms);
      }),
    );
  });
});

describe("listen addresses", () => {
  test.each<[string, ReturnType<typeof parseListen>]>([
    ["127.0.0.1:8080", { host: "127.0.0.1", port: 8080 }],
    ["localhost:0", { host: "localhost", port: 0 }],
    ["[::1]:8080", { host: "::1", port: 8080 }],
    [":8080", { host: "", port: 8080 }],
    ["0.0.0.0:65535", { host: "0.0.0.0", port: 65535 }],
    ["127.0.0.1:65536", null],
    ["127.0.0.1", null],
    ["8080", null],
    ["::1:8080", null],
    ["127.0.0.1:80a", null],
    ["host name:80", null],
    ["", null],
  ])("%p → %p", (text, parsed) => {
    expect(parseListen(text)).toEqual(parsed);
  });

  test.each<[string, boolean]>([
    ["127.0.0.1", true],
    ["127.1.2.3", true],
    ["localhost", true],
    ["LOCALHOST", true],
    ["::1", true],
    ["", false],
    ["0.0.0.0", false],
    ["::", false],
    ["192.168.1.2", false],
    ["127.0.0.256", false],
    ["localhost.example.com", false],
  ])("%p loopback → %p", (host, loopback) => {
    expect(isLoopbackHost(host)).toBe(loopback);
  });

  test("listenUrl brackets IPv6", () => {
    expect([listenUrl("127.0.0.1", 1), listenUrl("::1", 2)]).toEqual([
      "http://127.0.0.1:1",
      "http://[::1]:2",
    ]);
  });
});

describe("API keys", () => {
  test.each<[string | null, string | null, string | null]>([
    ["k1", null, "k1"],
    ["k1", "Bearer k2", "k1"],
    [null, "Bearer k2", "k2"],
    [null, "bearer k2", "k2"],
    [null, "BEARER   k2 ", "k2"],
    [null, "Basic k2", null],
    [null, "Bearer", null],
    [null, "Bearer a b", null],
    ["", null, null],
    [null, null, null],
  ])("X-API-Key %p, Authorization %p → %p", (apiKey, auth, key) => {
    expect(keyFromHeaders(apiKey, auth)).toBe(key);
  });

  test.each<[string | null, string, boolean]>([
    ["secret", "secret", true],
    ["secreT", "secret", false],
    ["secre", "secret", false],
    ["secrets", "secret", false],
    ["", "secret", false],
    [null, "secret", false],
    ["", "", false],
  ])("%p vs %p → %p", (given, expected, match) => {
    expect(keysMatch(given, expected)).toBe(match);
  });

  test("keysMatch agrees with === on random keys", () => {
    fc.assert(
      fc.property(fc.string(), fc.string({ minLength: 1 }), (a, b) => {
        expect(keysMatch(a, b)).toBe(a === b);
      }),
    );
  });

  test("a new key is 64 hex characters from the random bytes", () => {
    expect(newApiKey((b) => b.fill(0xab))).toBe("ab".repeat(32));
  });
});

describe("request bodies", () => {
  test.each<[string, unknown]>([
    ["{", { ok: false, field: "" }],
    ["", { ok: false, field: "" }],
    ['{"a":1}', { ok: true, doc: { a: 1 } }],
  ])("JSON %p", (text, expected) => {
    expect(parseJsonBody(text)).toMatchObject(expected as object);
  });

  test.each<[unknown, unknown]>([
    [{ events: [] }, { ok: true, events: [], skipped: 0 }],
    [
      {
        events: [
          { kind: "builtin_tool_call", tool: "retrieve_tools" },
          { kind: "builtin_tool_call", tool: "not_a_tool" },
          { kind: "new_kind_from_the_future", x: 1 },
          { kind: "doctor_check", name: "a", passed: true, extra: 1 },
        ],
      },
      {
        ok: true,
        events: [
          { kind: "builtin_tool_call", tool: "retrieve_tools" },
          { kind: "builtin_tool_call", tool: "not_a_tool" },
          { kind: "doctor_check", name: "a", passed: true },
        ],
        skipped: 1,
      },
    ],
    [{}, { ok: false, field: "events" }],
    [[], { ok: false, field: "" }],
    [null, { ok: false, field: "" }],
    [{ events: {} }, { ok: false, field: "events" }],
    [{ events: [1] }, { ok: false, field: "events.0" }],
    [{ events: [{}] }, { ok: false, field: "events.0.kind" }],
    [{ events: [{ kind: 3 }] }, { ok: false, field: "events.0.kind" }],
    [{ events: [{ kind: "builtin_tool_call", tool: 3 }] }, { ok: false, field: "events.0.tool" }],
    [
      {
        events: [
          { kind: "error_category", category: "x" },
          { kind: "upstream_tool_calls", count: -1 },
        ],
      },
      { ok: false, field: "events.1.count" },
    ],
    [{ events: [{ kind: "upstream_tool_calls", count: 1.5 }] }, { ok: false, field: "events.0.count" }],
    [
      { events: [{ kind: "doctor_check", name: "a", passed: "yes" }] },
      { ok: false, field: "events.0.passed" },
    ],
    [
      { events: [], more: 1 },
      { ok: false, field: "more" },
    ],
  ])("events %j", (doc, expected) => {
    expect(parseEventsBody(doc)).toMatchObject(expected as object);
  });

  test.each<[unknown, unknown]>([
    [{ text: "spawn npx ENOENT" }, { ok: true, value: { text: "spawn npx ENOENT" } }],
    [
      { text: "x", facts: { transport: "stdio", dockerIsolated: true }, record: true },
      { ok: true, value: { text: "x", facts: { transport: "stdio", dockerIsolated: true }, record: true } },
    ],
    [{ text: "" }, { ok: false, field: "text" }],
    [{ text: 1 }, { ok: false, field: "text" }],
    [{}, { ok: false, field: "text" }],
    [
      { text: "x", facts: { transport: "carrier pigeon" } },
      { ok: false, field: "facts.transport" },
    ],
    [
      { text: "x", facts: { nope: 1 } },
      { ok: false, field: "facts.nope" },
    ],
    [
      { text: "x", record: "yes" },
      { ok: false, field: "record" },
    ],
  ])("classify %j", (doc, expected) => {
    expect(parseBody(ClassifyBodySchema, doc)).toMatchObject(expected as object);
  });
});

describe("heartbeat schedule", () => {
  const timing = { delayMs: 300_000, intervalMs: 86_400_000, retryFloorMs: 300_000 };
  const start = 1_000_000_000_000;
  const first = firstPlan(start, timing);

  test("the first tick comes after the delay", () => {
    expect(first).toEqual({ nextRegularMs: start + 300_000, failures: 0 });
  });

  test.each<[string, HeartbeatPlan, boolean, number, { plan: HeartbeatPlan; wakeMs: number }]>([
    [
      "a success moves to the next regular tick",
      first,
      false,
      start + 300_000,
      { plan: { nextRegularMs: start + 300_000 + 86_400_000, failures: 0 }, wakeMs: start + 86_700_000 },
    ],
    [
      "a failure retries after the floor",
      first,
      true,
      start + 300_000,
      { plan: { nextRegularMs: start + 86_700_000, failures: 1 }, wakeMs: start + 600_000 },
    ],
    [
      "a second failure waits twice as long",
      { nextRegularMs: start + 86_700_000, failures: 1 },
      true,
      start + 600_000,
      { plan: { nextRegularMs: start + 86_700_000, failures: 2 }, wakeMs: start + 1_200_000 },
    ],
    [
      "retries never go past the next regular tick",
      { nextRegularMs: start + 86_700_000, failures: 12 },
      true,
      start + 80_000_000,
      { plan: { nextRegularMs: start + 86_700_000, failures: 13 }, wakeMs: start + 86_700_000 },
    ],
    [
      "a success after retries resets the failures and keeps the regular tick",
      { nextRegularMs: start + 86_700_000, failures: 3 },
      false,
      start + 5_000_000,
      { plan: { nextRegularMs: start + 86_700_000, failures: 0 }, wakeMs: start + 86_700_000 },
    ],
    [
      "a machine that slept three days skips the missed ticks",
      first,
      false,
      start + 300_000 + 3 * 86_400_000 + 5,
      { plan: { nextRegularMs: start + 300_000 + 4 * 86_400_000, failures: 0 }, wakeMs: start + 345_900_000 },
    ],
  ])("%s", (_, plan, failed, now, expected) => {
    expect(afterAttempt(plan, failed, now, timing)).toEqual(expected);
  });

  test("a retry is never sooner than the floor, nor later than the next regular tick", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 40 }),
        fc.integer({ min: 0, max: 10 * 86_400_000 }),
        (failures, offset) => {
          const now = start + offset;
          const { plan, wakeMs } = afterAttempt(first, true, now, timing);
          const out = afterAttempt({ ...plan, failures }, true, now, timing);
          expect(wakeMs - now).toBeGreaterThan(0);
          expect(out.wakeMs - now).toBeGreaterThanOrEqual(
            Math.min(timing.retryFloorMs, plan.nextRegularMs - now),
          );
          expect(out.wakeMs).toBeLessThanOrEqual(out.plan.nextRegularMs);
        },
      ),
    );
  });
});

describe("startup outcomes", () => {
  test.each<[number, string]>([
    [0, "success"],
    [1, "other_error"],
    [2, "port_conflict"],
    [3, "db_locked"],
    [4, "config_error"],
    [5, "permission_error"],
    [9, "other_error"],
  ])("exit %p → %p", (code, outcome) => {
    expect(outcomeForExit(code)).toBe(outcome as never);
  });
});
