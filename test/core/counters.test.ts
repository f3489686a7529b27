import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import * as v from "valibot";
import { DIAGNOSTIC_CODES, isDiagnosticCode } from "../../src/core/codes.ts";
import {
  applyEvent,
  applyEvents,
  type CounterEvent,
  type Counts,
  CountsSchema,
  emptyCounts,
  hasCounts,
  mergeCounts,
  pruneCounts,
  sentPart,
  subtractSent,
  usageAt,
} from "../../src/core/counters.ts";
import {
  BUILTIN_TOOLS,
  DOCTOR_CHECK_NAME,
  ERROR_CATEGORIES,
  REST_ROUTES,
  STATUS_CLASSES,
  SURFACES,
} from "../../src/core/payload-schema.ts";
import { emptyUsage } from "../../src/core/usage.ts";

const NOW = new Date("2026-11-24T10:30:00Z");
const at = (iso: string) => new Date(iso);
const hour = (iso: string) => String(Date.parse(iso) / 1000);
const H = hour("2026-11-24T10:00:00Z");
const counts = (patch: Partial<Counts>): Counts => ({ ...emptyCounts(), ...patch });
const surfaces = (patch: Partial<Counts["surface_requests"]>) => ({
  ...emptyCounts().surface_requests,
  ...patch,
});
const withoutHours = ({ error_code_counts_by_hour: _, ...rest }: Counts) => rest;

describe("applyEvent", () => {
  test.each<[string, CounterEvent, Counts]>([
    [
      "surface mcp",
      { kind: "surface_request", surface: "mcp" },
      counts({ surface_requests: surfaces({ mcp: 1 }) }),
    ],
    [
      "surface unknown",
      { kind: "surface_request", surface: "unknown" },
      counts({ surface_requests: surfaces({ unknown: 1 }) }),
    ],
    [
      "built-in tool",
      { kind: "builtin_tool_call", tool: "retrieve_tools" },
      counts({ builtin_tool_calls: { retrieve_tools: 1 } }),
    ],
    ["upstream calls", { kind: "upstream_tool_calls", count: 7 }, counts({ upstream_tool_calls: 7 })],
    [
      "REST 200",
      { kind: "rest_call", route: "GET /api/v1/status", status: 200 },
      counts({ rest_endpoint_calls: { "GET /api/v1/status": { "2xx": 1 } } }),
    ],
    [
      "REST template 404",
      { kind: "rest_call", route: "GET /api/v1/diagnostics/codes/{code}", status: 404 },
      counts({ rest_endpoint_calls: { "GET /api/v1/diagnostics/codes/{code}": { "4xx": 1 } } }),
    ],
    [
      "REST unmatched 599",
      { kind: "rest_call", route: "UNMATCHED", status: 599 },
      counts({ rest_endpoint_calls: { UNMATCHED: { "5xx": 1 } } }),
    ],
    [
      "REST 101",
      { kind: "rest_call", route: "POST /api/v1/telemetry/events", status: 101 },
      counts({ rest_endpoint_calls: { "POST /api/v1/telemetry/events": { "1xx": 1 } } }),
    ],
    [
      "error category",
      { kind: "error_category", category: "docker_pull_failed" },
      counts({ error_category_counts: { docker_pull_failed: 1 } }),
    ],
    [
      "doctor pass",
      { kind: "doctor_check", name: "docker_available", passed: true },
      counts({ doctor_checks: { docker_available: { pass: 1, fail: 0 } } }),
    ],
    [
      "doctor fail",
      { kind: "doctor_check", name: "_config2", passed: false },
      counts({ doctor_checks: { _config2: { pass: 0, fail: 1 } } }),
    ],
    [
      "diagnostic code",
      { kind: "diagnostic_code", code: "MCPX_HTTP_401" },
      counts({ error_code_counts_by_hour: { [H]: { MCPX_HTTP_401: 1 } } }),
    ],
  ])("%s", (_, event, expected) => {
    expect(applyEvent(emptyCounts(), event, NOW)).toEqual(expected);
  });

  test.each<[string, CounterEvent]>([
    ["surface not in the set", { kind: "surface_request", surface: "CLI" }],
    ["surface empty", { kind: "surface_request", surface: "" }],
    ["tool not built-in", { kind: "builtin_tool_call", tool: "github:create_issue" }],
    ["tool inherited name", { kind: "builtin_tool_call", tool: "toString" }],
    ["upstream zero", { kind: "upstream_tool_calls", count: 0 }],
    ["upstream negative", { kind: "upstream_tool_calls", count: -3 }],
    ["upstream fraction", { kind: "upstream_tool_calls", count: 1.5 }],
    ["upstream NaN", { kind: "upstream_tool_calls", count: Number.NaN }],
    ["upstream infinite", { kind: "upstream_tool_calls", count: Number.POSITIVE_INFINITY }],
    ["REST raw path", { kind: "rest_call", route: "/api/v1/servers/my-secret", status: 200 }],
    ["REST unknown method", { kind: "rest_call", route: "TRACE /api/v1/status", status: 200 }],
    ["REST query string", { kind: "rest_call", route: "GET /api/v1/status?user=me", status: 200 }],
    ["REST status 99", { kind: "rest_call", route: "GET /api/v1/status", status: 99 }],
    ["REST status 600", { kind: "rest_call", route: "GET /api/v1/status", status: 600 }],
    ["REST template not served", { kind: "rest_call", route: "GET /alice/secret-project/{id}", status: 200 }],
    ["REST status fraction", { kind: "rest_call", route: "GET /api/v1/status", status: 200.5 }],
    ["unknown category", { kind: "error_category", category: "disk_full" }],
    ["doctor name with capitals", { kind: "doctor_check", name: "Docker", passed: true }],
    ["doctor name with a dash", { kind: "doctor_check", name: "docker-ok", passed: true }],
    ["doctor name that valibot skips", { kind: "doctor_check", name: "constructor", passed: true }],
    ["doctor __proto__", { kind: "doctor_check", name: "__proto__", passed: false }],
    ["code not MCPX", { kind: "diagnostic_code", code: "ENOENT" }],
    ["code not in the catalog", { kind: "diagnostic_code", code: "MCPX_MADE_UP" }],
    ["code in lower case", { kind: "diagnostic_code", code: "mcpx_http_401" }],
    ["unknown kind", { kind: "something_else" } as unknown as CounterEvent],
  ])("drops %s", (_, event) => {
    expect(applyEvent(emptyCounts(), event, NOW)).toEqual(emptyCounts());
  });

  test("an invalid date drops a diagnostic code", () => {
    expect(
      applyEvent(emptyCounts(), { kind: "diagnostic_code", code: "MCPX_HTTP_401" }, new Date(Number.NaN)),
    ).toEqual(emptyCounts());
  });

  test("codes in the same hour share a bucket; the next hour starts a new one", () => {
    const code = { kind: "diagnostic_code", code: "MCPX_HTTP_5XX" } as const;
    let c = applyEvent(emptyCounts(), code, at("2026-11-24T10:00:00Z"));
    c = applyEvent(c, code, at("2026-11-24T10:59:59.999Z"));
    c = applyEvent(c, code, at("2026-11-24T11:00:00Z"));
    expect(c.error_code_counts_by_hour).toEqual({
      [H]: { MCPX_HTTP_5XX: 2 },
      [hour("2026-11-24T11:00:00Z")]: { MCPX_HTTP_5XX: 1 },
    });
  });

  test("does not change its input", () => {
    const before = applyEvents(emptyCounts(), [{ kind: "doctor_check", name: "x", passed: true }], NOW);
    const copy = structuredClone(before);
    applyEvents(before, [{ kind: "doctor_check", name: "x", passed: false }], NOW);
    expect(before).toEqual(copy);
  });
});

describe("the 24 h window", () => {
  const stored = (aligned: Date) =>
    counts({
      error_code_counts_by_hour: {
        [String(aligned.getTime() / 1000 - 24 * 3600)]: { MCPX_HTTP_401: 5 },
        [String(aligned.getTime() / 1000 - 23 * 3600)]: { MCPX_HTTP_401: 2, MCPX_NETWORK_OFFLINE: 1 },
        [String(aligned.getTime() / 1000)]: { MCPX_HTTP_401: 1 },
      },
    });
  const aligned = at("2026-11-24T10:00:00Z");

  test.each([
    ["now on the hour: the bucket exactly 24 h old is out, 23 h is in", aligned],
    ["now half past: the 24.5 h bucket is out, 23.5 h is in", NOW],
  ])("%s", (_, now) => {
    expect(usageAt(stored(aligned), now)).toEqual({
      ...emptyUsage(),
      error_code_counts_24h: { MCPX_HTTP_401: 3, MCPX_NETWORK_OFFLINE: 1 },
    });
    expect(Object.keys(pruneCounts(stored(aligned), now).error_code_counts_by_hour)).toEqual([
      String(aligned.getTime() / 1000 - 23 * 3600),
      String(aligned.getTime() / 1000),
    ]);
  });

  test("one millisecond before 24 h the old bucket is still in", () => {
    const now = new Date(aligned.getTime() - 1);
    expect(usageAt(stored(aligned), now).error_code_counts_24h).toEqual({
      MCPX_HTTP_401: 8,
      MCPX_NETWORK_OFFLINE: 1,
    });
  });

  test("usageAt carries every other counter as it is", () => {
    const c = applyEvents(
      emptyCounts(),
      [
        { kind: "surface_request", surface: "webui" },
        { kind: "builtin_tool_call", tool: "code_execution" },
        { kind: "upstream_tool_calls", count: 11 },
        { kind: "rest_call", route: "UNMATCHED", status: 401 },
        { kind: "error_category", category: "socket_bind_failed" },
        { kind: "doctor_check", name: "config", passed: true },
      ],
      NOW,
    );
    expect(usageAt(c, NOW)).toEqual({
      surface_requests: surfaces({ webui: 1 }),
      builtin_tool_calls: { code_execution: 1 },
      upstream_tool_calls: 11,
      rest_endpoint_calls: { UNMATCHED: { "4xx": 1 } },
      error_category_counts: { socket_bind_failed: 1 },
      doctor_checks: { config: { pass: 1, fail: 0 } },
      error_code_counts_24h: {},
    });
  });
});

describe("mergeCounts and subtractSent", () => {
  const a = counts({
    surface_requests: surfaces({ mcp: 2, cli: 1 }),
    builtin_tool_calls: { retrieve_tools: 3 },
    upstream_tool_calls: 4,
    rest_endpoint_calls: { "GET /api/v1/status": { "2xx": 2 } },
    error_category_counts: { oauth_token_expired: 1 },
    doctor_checks: { docker: { pass: 1, fail: 0 } },
    error_code_counts_by_hour: { [H]: { MCPX_HTTP_401: 1 } },
  });
  const b = counts({
    surface_requests: surfaces({ mcp: 1, tray: 1 }),
    builtin_tool_calls: { retrieve_tools: 1, call_tool_write: 2 },
    upstream_tool_calls: 1,
    rest_endpoint_calls: { "GET /api/v1/status": { "2xx": 1, "5xx": 1 }, UNMATCHED: { "4xx": 1 } },
    doctor_checks: { docker: { pass: 0, fail: 2 } },
    error_code_counts_by_hour: {
      [H]: { MCPX_HTTP_401: 2 },
      [hour("2026-11-24T09:00:00Z")]: { MCPX_HTTP_403: 1 },
    },
  });

  test("merge adds key by key", () => {
    expect(mergeCounts(a, b)).toEqual({
      surface_requests: surfaces({ mcp: 3, cli: 1, tray: 1 }),
      builtin_tool_calls: { retrieve_tools: 4, call_tool_write: 2 },
      upstream_tool_calls: 5,
      rest_endpoint_calls: { "GET /api/v1/status": { "2xx": 3, "5xx": 1 }, UNMATCHED: { "4xx": 1 } },
      error_category_counts: { oauth_token_expired: 1 },
      doctor_checks: { docker: { pass: 1, fail: 2 } },
      error_code_counts_by_hour: {
        [H]: { MCPX_HTTP_401: 3 },
        [hour("2026-11-24T09:00:00Z")]: { MCPX_HTTP_403: 1 },
      },
    });
  });

  test("subtract drops zero entries, stops at zero, and leaves the hour buckets alone", () => {
    expect(subtractSent(a, b)).toEqual({
      surface_requests: surfaces({ mcp: 1, cli: 1 }),
      builtin_tool_calls: { retrieve_tools: 2 },
      upstream_tool_calls: 3,
      rest_endpoint_calls: { "GET /api/v1/status": { "2xx": 1 } },
      error_category_counts: { oauth_token_expired: 1 },
      doctor_checks: { docker: { pass: 1, fail: 0 } },
      error_code_counts_by_hour: { [H]: { MCPX_HTTP_401: 1 } },
    });
    expect(subtractSent(b, b)).toEqual({
      ...emptyCounts(),
      error_code_counts_by_hour: b.error_code_counts_by_hour,
    });
  });

  test("subtract accepts the Usage that was sent", () => {
    expect(subtractSent(a, usageAt(a, NOW))).toEqual(
      counts({ error_code_counts_by_hour: a.error_code_counts_by_hour }),
    );
  });

  test("increments that arrive while a send is in flight survive it", () => {
    const first: CounterEvent[] = [
      { kind: "surface_request", surface: "cli" },
      { kind: "builtin_tool_call", tool: "upstream_servers" },
      { kind: "diagnostic_code", code: "MCPX_DOCKER_DAEMON_DOWN" },
    ];
    const later: CounterEvent[] = [
      { kind: "surface_request", surface: "cli" },
      { kind: "surface_request", surface: "mcp" },
      { kind: "rest_call", route: "POST /api/v1/telemetry/heartbeat", status: 202 },
    ];
    const snapshot = applyEvents(emptyCounts(), first, NOW);
    const stored = applyEvents(snapshot, later, NOW);
    expect(subtractSent(stored, snapshot)).toEqual({
      ...applyEvents(emptyCounts(), later, NOW),
      error_code_counts_by_hour: { [H]: { MCPX_DOCKER_DAEMON_DOWN: 1 } },
    });
  });
});

describe("CountsSchema", () => {
  const good = { ...emptyCounts(), error_code_counts_by_hour: { [H]: { MCPX_HTTP_401: 1 } } };
  test.each<[string, unknown, boolean]>([
    ["the empty counts", emptyCounts(), true],
    ["a full store", good, true],
    ["a foreign tool name", { ...good, builtin_tool_calls: { my_tool: 1 } }, false],
    ["a raw path", { ...good, rest_endpoint_calls: { "/api/v1/servers/x": { "2xx": 1 } } }, false],
    ["a foreign status class", { ...good, rest_endpoint_calls: { UNMATCHED: { "2XX": 1 } } }, false],
    ["a bad doctor name", { ...good, doctor_checks: { "Bad-Name": { pass: 1, fail: 0 } } }, false],
    ["a code outside the catalog", { ...good, error_code_counts_by_hour: { [H]: { MCPX_NOPE: 1 } } }, false],
    ["an hour that is not a number", { ...good, error_code_counts_by_hour: { yesterday: {} } }, false],
    ["a negative count", { ...good, upstream_tool_calls: -1 }, false],
    ["a string count", { ...good, builtin_tool_calls: { retrieve_tools: "1" } }, false],
    ["an extra key", { ...good, tool_names: {} }, false],
    ["a missing surface", { ...good, surface_requests: { mcp: 0 } }, false],
  ])("%s", (_, doc, ok) => {
    expect(v.safeParse(CountsSchema, doc).success).toBe(ok);
  });
});

describe("properties", () => {
  const anyString = (valid: readonly string[]) =>
    fc.oneof(fc.constantFrom(...valid), fc.string(), fc.string({ unit: "binary" }));
  const event: fc.Arbitrary<CounterEvent> = fc.oneof(
    anyString(SURFACES).map((surface) => ({ kind: "surface_request" as const, surface })),
    anyString(BUILTIN_TOOLS).map((tool) => ({ kind: "builtin_tool_call" as const, tool })),
    fc.oneof(fc.integer(), fc.double()).map((count) => ({ kind: "upstream_tool_calls" as const, count })),
    fc
      .tuple(
        anyString(["UNMATCHED", "GET /api/v1/status", "GET /x/{id}"]),
        fc.oneof(fc.integer({ min: 0, max: 700 }), fc.double()),
      )
      .map(([route, status]) => ({ kind: "rest_call" as const, route, status })),
    anyString(ERROR_CATEGORIES).map((category) => ({ kind: "error_category" as const, category })),
    fc
      .tuple(anyString(["docker", "config_ok", "__proto__"]), fc.boolean())
      .map(([name, passed]) => ({ kind: "doctor_check" as const, name, passed })),
    anyString(DIAGNOSTIC_CODES).map((code) => ({ kind: "diagnostic_code" as const, code })),
  );
  const time = fc.date({
    min: at("2026-11-01T00:00:00Z"),
    max: at("2026-12-01T00:00:00Z"),
    noInvalidDate: true,
  });
  const stored = fc
    .tuple(fc.array(event, { maxLength: 40 }), time)
    .map(([events, now]) => applyEvents(emptyCounts(), events, now));

  test("recording arbitrary strings never stores a key outside the fixed sets", () => {
    fc.assert(
      fc.property(fc.array(event, { maxLength: 60 }), time, (events, now) => {
        expect(
          v.safeParse(CountsSchema, JSON.parse(JSON.stringify(applyEvents(emptyCounts(), events, now))))
            .success,
        ).toBe(true);
      }),
    );
  });

  test("usageAt has only allowed keys", () => {
    const only = (keys: string[], allowed: (k: string) => boolean) => keys.every(allowed);
    fc.assert(
      fc.property(stored, time, (c, now) => {
        const u = usageAt(c, now);
        expect(Object.keys(u.surface_requests).sort()).toEqual([...SURFACES].sort());
        expect(
          only(Object.keys(u.builtin_tool_calls), (k) => (BUILTIN_TOOLS as readonly string[]).includes(k)),
        ).toBe(true);
        expect(
          only(Object.keys(u.error_category_counts), (k) =>
            (ERROR_CATEGORIES as readonly string[]).includes(k),
          ),
        ).toBe(true);
        expect(only(Object.keys(u.doctor_checks), (k) => DOCTOR_CHECK_NAME.test(k))).toBe(true);
        expect(only(Object.keys(u.error_code_counts_24h), isDiagnosticCode)).toBe(true);
        for (const [route, classes] of Object.entries(u.rest_endpoint_calls)) {
          expect(REST_ROUTES).toContain(route as never);
          expect(only(Object.keys(classes), (k) => (STATUS_CLASSES as readonly string[]).includes(k))).toBe(
            true,
          );
        }
      }),
    );
  });

  test("subtracting a from merge(a, b) leaves b, apart from the hour buckets", () => {
    fc.assert(
      fc.property(stored, stored, (a, b) => {
        expect(withoutHours(subtractSent(mergeCounts(a, b), a))).toEqual(withoutHours(b));
      }),
    );
  });

  test("subtracting anything never goes below zero", () => {
    fc.assert(
      fc.property(stored, stored, (a, b) => {
        expect(v.safeParse(CountsSchema, subtractSent(a, b)).success).toBe(true);
      }),
    );
  });
});

describe("sentPart and hasCounts", () => {
  const now = new Date("2026-11-24T10:30:00Z");
  test("an empty store has nothing to send back; any counted event has", () => {
    expect(hasCounts(sentPart(emptyCounts()))).toBe(false);
    const events: CounterEvent[] = [
      { kind: "surface_request", surface: "cli" },
      { kind: "builtin_tool_call", tool: "retrieve_tools" },
      { kind: "upstream_tool_calls", count: 3 },
      { kind: "rest_call", route: "GET /api/v1/status", status: 200 },
      { kind: "error_category", category: "oauth_refresh_failed" },
      { kind: "doctor_check", name: "config_valid", passed: true },
    ];
    for (const event of events) expect(hasCounts(sentPart(applyEvent(emptyCounts(), event, now)))).toBe(true);
  });

  test("the 24-hour codes and blocked sends stay local: they are not part of what is sent", () => {
    const counts = {
      ...applyEvent(emptyCounts(), { kind: "diagnostic_code", code: "MCPX_HTTP_401" }, now),
      blocked_sends: 2,
    };
    expect(hasCounts(sentPart(counts))).toBe(false);
    expect(Object.keys(sentPart(counts))).not.toContain("blocked_sends");
    expect(Object.keys(sentPart(counts))).not.toContain("error_code_counts_by_hour");
  });
});
