// The collector's pure parts: what a body becomes, the window's first day, and store faults as answers.
import { describe, expect, test } from "bun:test";
import { judgeBody } from "../../src/core/collector-intake.ts";
import { storeFault, windowStart } from "../../src/core/collector-report.ts";
import { installId, releaseBody } from "../support/heartbeat-body.ts";

const NOW = new Date("2026-03-10T12:00:00Z");

describe("judgeBody", () => {
  test("a release heartbeat becomes a row with its indexed fields and the body as it came", () => {
    const body = releaseBody(installId(1), {
      diagnostics: { error_code_counts_24h: { MCPX_DOCKER_OCI_RUNTIME: 2 } },
    });
    expect(judgeBody(body, NOW)).toEqual({
      ok: true,
      row: {
        kind: "heartbeat",
        day: "2026-03-10",
        receivedAt: "2026-03-10T12:00:00.000Z",
        version: "v0.1.0",
        os: "linux",
        arch: "amd64",
        schemaVersion: 5,
        anonymousId: installId(1),
        codes: '{"MCPX_DOCKER_OCI_RUNTIME":2}',
        categories: null,
        body,
      },
    });
  });

  test.each([
    ["[]", "anonymous_id"],
    ['{"event":"telemetry_disabled"}', "anonymous_id"],
    ['{"event":"telemetry_disabled","anonymous_id":"not-a-uuid"}', "anonymous_id"],
    ["null", "(root)"],
  ])("%s is refused, naming %s", (body, field) => {
    expect(judgeBody(body, NOW)).toMatchObject({ ok: false, status: 400, field });
  });

  test("the beacon becomes an event", () => {
    const body = `{"event":"telemetry_disabled","anonymous_id":"${installId(2)}"}`;
    expect(judgeBody(body, NOW)).toMatchObject({
      ok: true,
      row: { kind: "event", anonymousId: installId(2), body },
    });
  });
});

test.each([
  [86_400_000, "2026-03-10"],
  [7 * 86_400_000, "2026-03-04"],
  [3_600_000, "2026-03-10"],
  [30 * 86_400_000, "2026-02-09"],
])("a window of %d ms starts on %s", (ms, day) => {
  expect(windowStart(NOW, ms)).toBe(day);
});

test.each([
  [13, 507],
  [5, 503],
  [261, 503],
  [8, 503],
  [1544, 503],
  [10, 503],
  [undefined, 503],
])("SQLite code %p answers %d", (code, status) => {
  expect(storeFault(code, "x").status as number).toBe(status);
});
