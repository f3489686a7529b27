// The daemon's API over real HTTP: the key, the routes, the bodies, and every request counted by surface and route.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { payloadProblem } from "../../src/core/payload.ts";
import { COMPILED, cleanEnv, ensureBinary, run, SOURCE } from "../support/cli.ts";
import { type Daemon, makeHome, serve } from "../support/daemon.ts";

beforeAll(ensureBinary, 120_000);

const payloadOf = async (d: Daemon) => {
  const r = await d.get("/api/v1/telemetry/payload", { "x-mcpproxy-client": "webui/9" });
  expect(r.status).toBe(200);
  const text = await r.text();
  return { text, payload: JSON.parse(text) };
};

describe.each([SOURCE, COMPILED])("the daemon API ($name)", (runner) => {
  let d: Daemon;
  beforeAll(async () => {
    d = await serve(runner, await makeHome({ telemetry: { notice_shown: true } }));
  }, 30_000);
  afterAll(async () => {
    expect(await d.stop()).toBe(0);
  });

  test("a key is made on first start; no key or a wrong one is 401; both header forms work", async () => {
    expect(d.key).toMatch(/^[0-9a-f]{64}$/);
    const none = await fetch(`${d.url}/api/v1/status`);
    expect(none.status).toBe(401);
    expect(none.headers.get("www-authenticate")).toBe("Bearer");
    expect(await none.json()).toEqual({ error: "missing or wrong API key" });
    const wrong = await fetch(`${d.url}/api/v1/status`, { headers: { "x-api-key": `${d.key}x` } });
    expect(wrong.status).toBe(401);
    const wrongBearer = await fetch(`${d.url}/api/v1/status`, {
      headers: { authorization: `Bearer ${d.key.slice(1)}` },
    });
    expect(wrongBearer.status).toBe(401);
    const basic = await fetch(`${d.url}/api/v1/status`, { headers: { authorization: `Basic ${d.key}` } });
    expect(basic.status).toBe(401);
    const unknownRoute = await fetch(`${d.url}/api/v1/nope`);
    expect(unknownRoute.status).toBe(401);
    const byHeader = await fetch(`${d.url}/api/v1/status`, { headers: { "x-api-key": d.key } });
    const byBearer = await fetch(`${d.url}/api/v1/status`, { headers: { authorization: `Bearer ${d.key}` } });
    expect([byHeader.status, byBearer.status]).toEqual([200, 200]);
    const status = await byBearer.json();
    expect(status).toMatchObject({ status: "running", pid: d.pid, url: d.url, telemetry_enabled: true });
  });

  test("every request is counted exactly: surfaces by header and path, routes by template, 401s too", async () => {
    const before = (await payloadOf(d)).payload;
    const statusCalls = async (n: number, client?: string) => {
      for (let i = 0; i < n; i++) {
        const r = await d.get(
          "/api/v1/status",
          client === undefined ? { "x-mcpproxy-client": "" } : { "x-mcpproxy-client": client },
        );
        expect(r.status).toBe(200);
      }
    };
    await statusCalls(4, "cli/v1.2.3");
    await statusCalls(3, "CLI");
    await statusCalls(3, "tray/2.0");
    await statusCalls(1, "curl/8");
    await statusCalls(1);
    // Unmatched paths: counted under one key, never by their text.
    for (const path of ["/api/v1/nope", "/api/v1/status/", "/etc/passwd", "/mcp", "/mcp/tools", "/mcpx"]) {
      expect((await d.get(path, { "x-mcpproxy-client": "cli/1" })).status).toBe(404);
    }
    expect(
      (await fetch(`${d.url}/api/v1/status`, { headers: { "x-mcpproxy-client": "tray/1" } })).status,
    ).toBe(401);
    expect((await d.post("/api/v1/status", {}, { "x-mcpproxy-client": "tray/1" })).status).toBe(405);
    const { text, payload } = await payloadOf(d);
    expect(payloadProblem(payload)).toBe("");
    const diff = (k: string) => payload.surface_requests[k] - before.surface_requests[k];
    // + the webui payload request before this one was counted (this one is counted after it answers).
    expect(["mcp", "cli", "webui", "tray", "unknown"].map(diff)).toEqual([2, 11, 1, 5, 2]);
    const calls = (route: string, cls: string) =>
      (payload.rest_endpoint_calls[route]?.[cls] ?? 0) - (before.rest_endpoint_calls[route]?.[cls] ?? 0);
    expect(calls("GET /api/v1/status", "2xx")).toBe(12);
    expect(calls("GET /api/v1/status", "4xx")).toBe(1);
    expect(calls("UNMATCHED", "4xx")).toBe(7);
    expect(calls("GET /api/v1/telemetry/payload", "2xx")).toBe(1);
    for (const raw of ["nope", "passwd", "/mcp/tools", "mcpx", "curl"]) expect(text).not.toContain(raw);
  });

  test("the routes answer JSON the CLI would print", async () => {
    const codes = await (await d.get("/api/v1/diagnostics/codes")).json();
    const cli = await run(runner, ["diagnostics", "codes", "--json"], { env: cleanEnv(d.home.dir) });
    expect(codes).toEqual(JSON.parse(cli.stdout));
    const one = await d.get("/api/v1/diagnostics/codes/http_401");
    expect(await one.json()).toEqual(codes.find((c: { code: string }) => c.code === "MCPX_HTTP_401"));
    const missing = await d.get("/api/v1/diagnostics/codes/MCPX_NOPE");
    expect([missing.status, await missing.json()]).toEqual([404, { error: "unknown code", field: "code" }]);
    expect((await d.get("/api/v1/diagnostics/codes/%E0%A4%A")).status).toBe(404);
    const classify = await d.post("/api/v1/diagnostics/classify", {
      text: "zsh:1: command not found: docker",
      facts: { dockerIsolated: true },
    });
    const local = await run(
      runner,
      ["diagnose", "--json", "--docker-isolated", "zsh:1: command not found: docker"],
      {
        env: cleanEnv(d.home.dir),
      },
    );
    expect(await classify.text()).toBe(JSON.stringify(JSON.parse(local.stdout)));
    const docker = await (await d.get("/api/v1/docker/source")).json();
    expect(Object.keys(docker)).toEqual(["source", "path", "engine_available", "docker_host"]);
    const status = await (await d.get("/api/v1/telemetry/status")).json();
    expect(status).toMatchObject({
      enabled: true,
      config_path: d.home.config,
      daemon: { running: true, address: d.url, pid: d.pid },
    });
  });

  test("bad bodies: 400 naming the field, 413 over 64 KiB by length or by stream, 405 and 404", async () => {
    const expectProblem = async (r: Response, status: number, field: string | undefined) => {
      const body = await r.json();
      expect([r.status, body.field]).toEqual([status, field]);
      expect(typeof body.error).toBe("string");
    };
    await expectProblem(await d.post("/api/v1/telemetry/events", "{not json"), 400, "");
    await expectProblem(await d.post("/api/v1/telemetry/events", ""), 400, "");
    await expectProblem(await d.post("/api/v1/telemetry/events", "[]"), 400, "");
    await expectProblem(await d.post("/api/v1/telemetry/events", { events: "x" }), 400, "events");
    await expectProblem(
      await d.post("/api/v1/telemetry/events", { events: [{ kind: "doctor_check", name: "a", passed: 1 }] }),
      400,
      "events.0.passed",
    );
    await expectProblem(await d.post("/api/v1/diagnostics/classify", { text: 42 }), 400, "text");
    await expectProblem(await d.post("/api/v1/diagnostics/classify", { text: " \n\t" }), 400, "text");
    await expectProblem(
      await d.post("/api/v1/diagnostics/classify", { text: "x", facts: { errno: "EFOO" } }),
      400,
      "facts.errno",
    );
    await expectProblem(await d.post("/api/v1/telemetry/heartbeat", { force: true }), 400, "force");
    await expectProblem(
      await d.post("/api/v1/diagnostics/classify", new Uint8Array([0x7b, 0xff, 0x7d])),
      400,
      "",
    );
    const huge = JSON.stringify({ text: "x".repeat(65 * 1024) });
    await expectProblem(await d.post("/api/v1/diagnostics/classify", huge), 413, undefined);
    // No Content-Length: the streamed bytes are counted.
    const chunks = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < 70; i++) controller.enqueue(new TextEncoder().encode("x".repeat(1024)));
        controller.close();
      },
    });
    const streamed = await fetch(`${d.url}/api/v1/diagnostics/classify`, {
      method: "POST",
      headers: { "x-api-key": d.key, "content-type": "application/json" },
      body: chunks,
    });
    expect(streamed.status).toBe(413);
    const justUnder = JSON.stringify({ text: `spawn npx ENOENT ${"x".repeat(60 * 1024)}` });
    expect((await d.post("/api/v1/diagnostics/classify", justUnder)).status).toBe(200);
  });

  test("an events batch is counted; unknown names and kinds are dropped, not refused", async () => {
    const before = (await payloadOf(d)).payload;
    const r = await d.post("/api/v1/telemetry/events", {
      events: [
        { kind: "builtin_tool_call", tool: "retrieve_tools" },
        { kind: "builtin_tool_call", tool: "retrieve_tools" },
        { kind: "builtin_tool_call", tool: "my_secret_tool" },
        { kind: "upstream_tool_calls", count: 12 },
        { kind: "error_category", category: "docker_pull_failed" },
        { kind: "error_category", category: "/home/someone" },
        { kind: "doctor_check", name: "docker_cli", passed: false },
        { kind: "doctor_check", name: "Bad Name", passed: true },
        { kind: "diagnostic_code", code: "MCPX_HTTP_401" },
        { kind: "diagnostic_code", code: "NOT_A_CODE" },
        { kind: "surface_request", surface: "cli" },
        { kind: "rest_call", route: "GET /api/v1/status", status: 200 },
        { kind: "from_the_future", value: 1 },
      ],
    });
    expect([r.status, await r.json()]).toEqual([200, { recorded: 6, dropped: 7, telemetry_enabled: true }]);
    const { text, payload } = await payloadOf(d);
    expect(payload.builtin_tool_calls.retrieve_tools - (before.builtin_tool_calls.retrieve_tools ?? 0)).toBe(
      2,
    );
    expect(payload.upstream_tool_call_count_bucket).toBe("11-100");
    expect(payload.error_category_counts.docker_pull_failed).toBe(1);
    expect(payload.doctor_checks.docker_cli).toEqual({ pass: 0, fail: 1 });
    expect(payload.diagnostics.error_code_counts_24h.MCPX_HTTP_401).toBe(1);
    // The two it drops by kind were not double-counted as requests.
    expect(payload.surface_requests.cli).toBe(before.surface_requests.cli);
    for (const raw of ["my_secret_tool", "someone", "Bad Name", "NOT_A_CODE", "from_the_future"]) {
      expect(text).not.toContain(raw);
    }
  });
});

describe("a slow client (compiled)", () => {
  test("a body that trickles is cut with 408 after 10 s; others are served meanwhile", async () => {
    const d = await serve(COMPILED, await makeHome({ telemetry: { notice_shown: true } }));
    const port = Number(new URL(d.url).port);
    let reply = "";
    const started = performance.now();
    const closed = new Promise<void>((resolve) => {
      void Bun.connect({
        hostname: "127.0.0.1",
        port,
        socket: {
          open(socket) {
            socket.write(
              `POST /api/v1/telemetry/events HTTP/1.1\r\nHost: x\r\nX-API-Key: ${d.key}\r\nContent-Length: 100\r\n\r\n{`,
            );
          },
          data(_socket, chunk) {
            reply += chunk.toString();
            if (reply.includes("\r\n\r\n{")) resolve();
          },
          close() {
            resolve();
          },
        },
      });
    });
    for (let i = 0; i < 5; i++) expect((await d.get("/api/v1/status")).status).toBe(200);
    await closed;
    expect(reply).toStartWith("HTTP/1.1 408 ");
    expect(reply).toContain('{"error":"the body did not arrive in time"}');
    expect(performance.now() - started).toBeGreaterThan(9_000);
    expect(await d.stop()).toBe(0);
  }, 30_000);
});
