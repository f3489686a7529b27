import { describe, expect, test } from "bun:test";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { buildPayload, payloadProblem } from "../../src/core/payload.ts";
import { BUILTIN_TOOLS, REST_ROUTES } from "../../src/core/payload-schema.ts";
import { emptyUsage } from "../../src/core/usage.ts";
import { FIXTURES } from "../support/cli.ts";
import { payloadInputs, TEST_ID } from "../support/payload-inputs.ts";

const ID = TEST_ID;
const markers = payloadInputs({}).markers;
const inputs = payloadInputs;

describe("buildPayload", () => {
  test("an empty config gives every default, in the documented order", () => {
    const payload = buildPayload(inputs({}));
    expect(payload).toEqual({
      anonymous_id: ID,
      version: "v1.2.3",
      edition: "personal",
      os: "linux",
      arch: "amd64",
      runtime_version: "bun 1.4.5",
      server_count: 0,
      connected_server_count: 0,
      tool_count: 0,
      uptime_hours: 0,
      routing_mode: "retrieve_tools",
      quarantine_enabled: true,
      timestamp: "2026-11-24T10:20:30Z",
      schema_version: 5,
      anonymous_id_created_at: "2026-01-01T00:00:00Z",
      current_version: "v1.2.3",
      previous_version: "",
      surface_requests: { mcp: 0, cli: 0, webui: 0, tray: 0, unknown: 0 },
      builtin_tool_calls: {},
      upstream_tool_call_count_bucket: "0",
      rest_endpoint_calls: {},
      feature_flags: {
        enable_socket: false,
        enable_web_ui: false,
        enable_prompts: false,
        require_mcp_auth: false,
        enable_code_execution: false,
        quarantine_enabled: true,
        sensitive_data_detection_enabled: false,
        oauth_provider_types: [],
        docker_available: false,
        docker_isolation_enabled: false,
        docker_cli_source: "absent",
      },
      error_category_counts: {},
      doctor_checks: {},
      server_protocol_counts: { stdio: 0, http: 0, sse: 0, streamable_http: 0, auto: 0 },
      server_docker_isolated_count: 0,
      env_kind: "interactive",
      env_markers: markers,
      launch_source: "cli",
      autostart_enabled: null,
    });
    expect(Object.keys(payload).slice(0, 6)).toEqual([
      "anonymous_id",
      "version",
      "edition",
      "os",
      "arch",
      "runtime_version",
    ]);
    expect(payloadProblem(payload)).toBe("");
  });

  test("flags, outcome, versions and counts come through", () => {
    const usage = emptyUsage();
    usage.upstream_tool_calls = 1001;
    usage.error_category_counts = { docker_pull_failed: 2, oauth_token_expired: 0 };
    usage.error_code_counts_24h = { MCPX_DOCKER_CLI_NOT_FOUND: 3 };
    const payload = buildPayload(
      inputs(
        {
          enable_socket: true,
          enable_prompts: true,
          require_mcp_auth: true,
          enable_code_execution: true,
          quarantine_enabled: false,
          sensitive_data_detection: { enabled: true },
          features: { enable_web_ui: true },
          docker_isolation: { enabled: true },
          routing_mode: "code_execution",
          telemetry: { last_reported_version: "v1.2.2", last_startup_outcome: "port_conflict" },
        },
        { usage, uptimeHours: 25.9 },
      ),
    );
    expect(payload).toMatchObject({
      routing_mode: "code_execution",
      quarantine_enabled: false,
      previous_version: "v1.2.2",
      last_startup_outcome: "port_conflict",
      uptime_hours: 25,
      upstream_tool_call_count_bucket: "1000+",
      error_category_counts: { docker_pull_failed: 2 },
      diagnostics: { error_code_counts_24h: { MCPX_DOCKER_CLI_NOT_FOUND: 3 } },
      feature_flags: {
        enable_socket: true,
        enable_web_ui: true,
        enable_prompts: true,
        require_mcp_auth: true,
        enable_code_execution: true,
        quarantine_enabled: false,
        sensitive_data_detection_enabled: true,
        docker_isolation_enabled: true,
      },
    });
    expect(payloadProblem(payload)).toBe("");
  });

  test.each([
    [
      "an unknown routing mode is reported as the default",
      { routing_mode: "/home/alice" },
      "routing_mode",
      "retrieve_tools",
    ],
    [
      "an unknown startup outcome is left out",
      { telemetry: { last_startup_outcome: "alice" } },
      "last_startup_outcome",
      undefined,
    ],
  ])("%s", (_name, doc, key, expected) => {
    expect((buildPayload(inputs(doc)) as Record<string, unknown>)[key]).toBe(expected);
  });

  test("the kept startup outcome wins over the config's", () => {
    const doc = { telemetry: { last_startup_outcome: "success" } };
    expect(buildPayload(inputs(doc, { startupOutcome: "config_error" })).last_startup_outcome).toBe(
      "config_error",
    );
  });

  test("no identity gives empty id and date", () => {
    const payload = buildPayload(inputs({}, { identity: null }));
    expect([payload.anonymous_id, payload.anonymous_id_created_at]).toEqual(["", ""]);
    expect(payloadProblem(payload)).toBe("");
  });

  test.each(readdirSync(FIXTURES).filter((f) => f.endsWith(".json")))(
    "fixture %s builds a valid payload without its secrets",
    (file) => {
      const text = readFileSync(join(FIXTURES, file), "utf8");
      const doc = JSON.parse(text);
      const json = JSON.stringify(buildPayload(inputs(doc)));
      expect(payloadProblem(JSON.parse(json))).toBe("");
      for (const server of doc.mcpServers ?? []) {
        for (const value of [server.name, server.url, server.command, ...(server.args ?? [])]) {
          if (typeof value === "string" && value.length > 3) expect(json).not.toContain(value);
        }
      }
      if (doc.api_key) expect(json).not.toContain(doc.api_key);
    },
  );
});

describe("privacy canaries", () => {
  const canary = fc.stringMatching(/^[A-Za-z][A-Za-z0-9_./:@-]{7,30}$/).map((s) => `CANARY${s}`);
  test("no string from the config ever reaches the payload", () => {
    fc.assert(
      fc.property(canary, (secret) => {
        const doc = {
          api_key: secret,
          listen: secret,
          routing_mode: secret,
          telemetry: { endpoint: `https://${secret}`, last_startup_outcome: secret, anonymous_id: secret },
          mcpServers: [
            {
              name: secret,
              command: `/home/${secret}/bin/uvx`,
              url: `https://github.com/${secret}`,
              oauth: { client_id: secret },
              protocol: secret,
              enabled: true,
            },
            {
              name: "x",
              url: `https://${secret}.example.com`,
              oauth: { tenant: secret },
              env: { GITHUB_TOKEN: secret },
            },
          ],
        };
        const payload = buildPayload(inputs(doc, { identity: null }));
        const json = JSON.stringify(payload);
        expect(json).not.toContain("CANARY");
        expect(payloadProblem(payload)).toBe("");
      }),
      { numRuns: 200 },
    );
  });

  test("the schema refuses unknown keys and out-of-set map keys", () => {
    const good = buildPayload(inputs({}));
    expect(payloadProblem({ ...good, hostname: "alice-laptop" })).not.toBe("");
    expect(payloadProblem({ ...good, builtin_tool_calls: { my_private_tool: 1 } })).not.toBe("");
    expect(
      payloadProblem({ ...good, rest_endpoint_calls: { "GET /users/alice?x=1": { "2xx": 1 } } }),
    ).not.toBe("");
    expect(payloadProblem({ ...good, doctor_checks: { "Bad Name": { pass: 1, fail: 0 } } })).not.toBe("");
    expect(payloadProblem({ ...good, env_markers: { ...good.env_markers, user: "alice" } })).not.toBe("");
    expect(payloadProblem({ ...good, anonymous_id: "alice" })).not.toBe("");
  });

  test("a fully populated payload stays under 8 KB", () => {
    const usage = emptyUsage();
    usage.surface_requests = { mcp: 1e9, cli: 1e9, webui: 1e9, tray: 1e9, unknown: 1e9 };
    for (const t of BUILTIN_TOOLS) usage.builtin_tool_calls[t] = 1e9;
    for (const route of REST_ROUTES)
      usage.rest_endpoint_calls[route] = { "2xx": 1e9, "4xx": 1e9, "5xx": 1e9 };
    for (let i = 0; i < 20; i++) usage.doctor_checks[`check_number_${i}`] = { pass: 1e9, fail: 1e9 };
    const payload = buildPayload(
      inputs({ mcpServers: [{ oauth: {}, url: "https://github.com" }] }, { usage }),
    );
    expect(payloadProblem(payload)).toBe("");
    expect(new TextEncoder().encode(JSON.stringify(payload)).length).toBeLessThan(8192);
  });
});
