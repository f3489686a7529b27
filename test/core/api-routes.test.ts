// The daemon's counting rules: route templates, surfaces from path and header, and what a request adds.
import { describe, expect, test } from "bun:test";
import { matchRoute, requestEvents, surfaceOf } from "../../src/core/api-routes.ts";
import { applyEvents, emptyCounts } from "../../src/core/counters.ts";
import { REST_ROUTES } from "../../src/core/payload-schema.ts";

describe("matchRoute", () => {
  test.each<[string, string, ReturnType<typeof matchRoute>]>([
    ["GET", "/api/v1/status", { route: "GET /api/v1/status", params: {} }],
    ["GET", "/api/v1/telemetry/status", { route: "GET /api/v1/telemetry/status", params: {} }],
    ["GET", "/api/v1/telemetry/payload", { route: "GET /api/v1/telemetry/payload", params: {} }],
    ["POST", "/api/v1/telemetry/heartbeat", { route: "POST /api/v1/telemetry/heartbeat", params: {} }],
    ["POST", "/api/v1/telemetry/events", { route: "POST /api/v1/telemetry/events", params: {} }],
    ["POST", "/api/v1/diagnostics/classify", { route: "POST /api/v1/diagnostics/classify", params: {} }],
    ["GET", "/api/v1/diagnostics/codes", { route: "GET /api/v1/diagnostics/codes", params: {} }],
    [
      "GET",
      "/api/v1/diagnostics/codes/MCPX_HTTP_401",
      { route: "GET /api/v1/diagnostics/codes/{code}", params: { code: "MCPX_HTTP_401" } },
    ],
    [
      "GET",
      "/api/v1/diagnostics/codes/anything",
      { route: "GET /api/v1/diagnostics/codes/{code}", params: { code: "anything" } },
    ],
    ["GET", "/api/v1/docker/source", { route: "GET /api/v1/docker/source", params: {} }],
    ["GET", "/api/v1/nope", { route: "UNMATCHED", allow: [] }],
    ["GET", "/etc/passwd", { route: "UNMATCHED", allow: [] }],
    ["GET", "/", { route: "UNMATCHED", allow: [] }],
    ["GET", "/api/v1/status/", { route: "UNMATCHED", allow: [] }],
    ["GET", "/api/v1//status", { route: "UNMATCHED", allow: [] }],
    ["GET", "/API/V1/STATUS", { route: "UNMATCHED", allow: [] }],
    ["GET", "/api/v1/diagnostics/codes/", { route: "UNMATCHED", allow: [] }],
    ["GET", "/api/v1/diagnostics/codes/a/b", { route: "UNMATCHED", allow: [] }],
    ["POST", "/api/v1/status", { route: "UNMATCHED", allow: ["GET"] }],
    ["GET", "/api/v1/telemetry/heartbeat", { route: "UNMATCHED", allow: ["POST"] }],
    ["DELETE", "/api/v1/diagnostics/codes/X", { route: "UNMATCHED", allow: ["GET"] }],
    ["GET", "/mcp", { route: "UNMATCHED", allow: [] }],
  ])("%s %s", (method, path, expected) => {
    expect(matchRoute(method, path)).toEqual(expected);
  });

  test("every template in the payload's list is reachable", () => {
    for (const route of REST_ROUTES.filter((r) => r !== "UNMATCHED")) {
      const [method, path] = route.split(" ") as [string, string];
      expect(matchRoute(method, path.replace("{code}", "MCPX_X")).route).toBe(route);
    }
  });
});

describe("surfaceOf", () => {
  test.each<[string, string | null, string]>([
    ["/mcp", null, "mcp"],
    ["/mcp/", "cli/1.0", "mcp"],
    ["/mcp/tools", "tray/2", "mcp"],
    ["/mcpx", null, "unknown"],
    ["/mcpx", "mcp", "mcp"],
    ["/api/v1/status", "cli/v0.1.0", "cli"],
    ["/api/v1/status", "CLI/v0.1.0", "cli"],
    ["/api/v1/status", "cli", "cli"],
    ["/api/v1/status", "WebUI/3", "webui"],
    ["/api/v1/status", "tray/1.2.3/extra", "tray"],
    ["/api/v1/status", "mcp/1", "mcp"],
    ["/api/v1/status", "unknown/1", "unknown"],
    ["/api/v1/status", "curl/8.5", "unknown"],
    ["/api/v1/status", "", "unknown"],
    ["/api/v1/status", "/cli", "unknown"],
    ["/api/v1/status", "cli /1", "unknown"],
    ["/api/v1/status", "clix/1", "unknown"],
    ["/api/v1/status", null, "unknown"],
    ["/", "__proto__", "unknown"],
  ])("%s with %p → %s", (path, header, surface) => {
    expect(surfaceOf(path, header)).toBe(surface as never);
  });
});

describe("requestEvents", () => {
  test.each<[Parameters<typeof requestEvents>, Partial<ReturnType<typeof emptyCounts>>]>([
    [
      ["cli", "GET /api/v1/status", 200],
      {
        surface_requests: { mcp: 0, cli: 1, webui: 0, tray: 0, unknown: 0 },
        rest_endpoint_calls: { "GET /api/v1/status": { "2xx": 1 } },
      },
    ],
    [
      ["unknown", "UNMATCHED", 404],
      {
        surface_requests: { mcp: 0, cli: 0, webui: 0, tray: 0, unknown: 1 },
        rest_endpoint_calls: { UNMATCHED: { "4xx": 1 } },
      },
    ],
    [
      ["tray", "POST /api/v1/telemetry/heartbeat", 502],
      {
        surface_requests: { mcp: 0, cli: 0, webui: 0, tray: 1, unknown: 0 },
        rest_endpoint_calls: { "POST /api/v1/telemetry/heartbeat": { "5xx": 1 } },
      },
    ],
  ])("%p", (args, expected) => {
    const now = new Date("2026-12-01T00:00:00Z");
    expect(applyEvents(emptyCounts(), requestEvents(...args), now)).toEqual({
      ...emptyCounts(),
      ...expected,
    });
  });
});
