// `mcpproxy serve` and the CLI as its client: commands find the daemon for their data dir, use it, and say so.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { COMPILED, cleanEnv, ensureBinary, run, SOURCE } from "../support/cli.ts";
import { type Collector, startCollector } from "../support/collector.ts";
import { type Daemon, makeHome, readJson, serve, waitFor } from "../support/daemon.ts";

beforeAll(ensureBinary, 120_000);
const collectors: Collector[] = [];
afterAll(() => {
  for (const c of collectors) c.stop();
});

const cliCount = async (d: Daemon) =>
  (await (await d.get("/api/v1/telemetry/payload")).json()).surface_requests.cli as number;
const withoutTime = (text: string) => ({ ...JSON.parse(text), timestamp: "" });

describe.each([SOURCE, COMPILED])("the CLI as the daemon's client ($name)", (runner) => {
  let d: Daemon;
  let env: Record<string, string>;
  beforeAll(async () => {
    const h = await makeHome({ telemetry: { notice_shown: true } });
    env = cleanEnv(h.dir, { NO_COLOR: "1" });
    d = await serve(runner, h, { args: ["--heartbeat-delay", "1h"] });
  }, 30_000);
  afterAll(async () => {
    expect(await d.stop()).toBe(0);
  });

  test("serve refuses flags it cannot use before it starts anything (exit 1)", async () => {
    const r = await run(runner, ["serve", "--heartbeat-delay", "soon"], { env });
    expect([r.code, r.stdout]).toEqual([1, ""]);
    expect(r.stderr).toStartWith(
      'mcpproxy: --heartbeat-delay must be a duration such as 30s, 5m, 24h or 1h30m, got "soon"\n',
    );
  });

  test("serve prints one line, its address, on stdout", () => {
    expect(d.stdout()).toMatch(/^listening on http:\/\/127\.0\.0\.1:\d+\n$/);
    expect(d.stdout()).toBe(`listening on ${d.url}\n`);
  });

  test("telemetry status shows the daemon; each command's requests count as the cli surface", async () => {
    const before = await cliCount(d);
    const r = await run(runner, ["telemetry", "status", "--json"], { env });
    expect([r.code, r.stderr]).toEqual([0, ""]);
    expect(JSON.parse(r.stdout).daemon).toEqual({ running: true, address: d.url, pid: d.pid });
    const table = await run(runner, ["telemetry", "status"], { env });
    expect(table.stdout).toContain(`Daemon        running at ${d.url} (pid ${d.pid})\n`);
    // Each found the daemon with one GET /api/v1/status, sent as cli/<version>.
    expect((await cliCount(d)) - before).toBe(2);
  });

  test("show-payload asks the daemon: its in-memory counts and uptime, printed exactly as offline", async () => {
    await d.get("/api/v1/status", { "x-mcpproxy-client": "webui/1" });
    const r = await run(runner, ["telemetry", "show-payload"], { env });
    expect([r.code, r.stderr]).toEqual([0, ""]);
    const shown = JSON.parse(r.stdout);
    expect(shown.surface_requests.webui).toBeGreaterThanOrEqual(1);
    expect(shown.last_startup_outcome).toBe("success");
    const direct = await (await d.get("/api/v1/telemetry/payload")).text();
    expect(withoutTime(r.stdout)).toEqual({
      ...withoutTime(direct),
      surface_requests: shown.surface_requests,
      rest_endpoint_calls: shown.rest_endpoint_calls,
    });
    // The same serializer as offline: two-space JSON and a final newline.
    expect(r.stdout).toBe(`${JSON.stringify(shown, null, 2)}\n`);
    // Off in this terminal: offline, so nothing is made or written on its behalf.
    const before = await cliCount(d);
    const off = await run(runner, ["telemetry", "show-payload"], { env: { ...env, DO_NOT_TRACK: "1" } });
    expect([off.code, off.stderr, JSON.parse(off.stdout).uptime_hours]).toEqual([0, "", 0]);
    expect(await cliCount(d)).toBe(before);
  });

  test("diagnose (one message) is answered by the daemon, byte for byte as offline; --record counts there", async () => {
    const args = ["diagnose", "--json", "--transport", "stdio", "spawn uvx ENOENT"];
    const before = await cliCount(d);
    const online = await run(runner, args, { env });
    expect((await cliCount(d)) - before).toBe(2);
    const offline = await run(runner, args, {
      env: cleanEnv(d.home.dir, { MCPPROXY_DATA_DIR: join(d.home.dir, "else") }),
    });
    expect([online.code, online.stderr, online.stdout]).toEqual([0, "", offline.stdout]);
    const human = await run(runner, ["diagnose", "--transport", "stdio", "spawn uvx ENOENT"], { env });
    expect(human.stdout).toContain("MCPX_STDIO_SPAWN_ENOENT");
    const recorded = await run(runner, ["diagnose", "--record", "spawn uvx ENOENT", "--transport", "stdio"], {
      env,
    });
    expect([recorded.code, recorded.stderr]).toEqual([
      0,
      "mcpproxy: added MCPX_STDIO_SPAWN_ENOENT to the 24-hour diagnostics counts\n",
    ]);
    const payload = await (await d.get("/api/v1/telemetry/payload")).json();
    expect(payload.diagnostics.error_code_counts_24h.MCPX_STDIO_SPAWN_ENOENT).toBe(1);
  });

  test("docker source is answered by the daemon, the same as offline", async () => {
    const before = await cliCount(d);
    const online = await run(runner, ["docker", "source", "--json"], { env });
    expect((await cliCount(d)) - before).toBe(2);
    const offline = await run(runner, ["docker", "source", "--json"], {
      env: cleanEnv(d.home.dir, { MCPPROXY_DATA_DIR: join(d.home.dir, "else") }),
    });
    expect([online.code, online.stdout]).toEqual([0, offline.stdout]);
  });

  test("a state file whose pid is alive but is not the daemon is ignored", async () => {
    const h = await makeHome({ telemetry: { notice_shown: true }, api_key: "k" });
    await writeFile(
      join(h.data, "daemon.json"),
      JSON.stringify({
        pid: process.pid,
        url: "http://127.0.0.1:9",
        version: "dev",
        data_dir: h.data,
        config_path: h.config,
        started_at: "2026-01-01T00:00:00Z",
      }),
    );
    const started = performance.now();
    const r = await run(runner, ["telemetry", "status", "--json"], { env: cleanEnv(h.dir) });
    expect(JSON.parse(r.stdout).daemon).toEqual({ running: false, address: "", pid: null });
    expect(performance.now() - started).toBeLessThan(5_000);
    const table = await run(runner, ["telemetry", "status"], { env: cleanEnv(h.dir) });
    expect(table.stdout).toContain("Daemon        not running (start it with `mcpproxy serve`)\n");
  });
});

describe("telemetry send through the daemon (compiled, a release build)", () => {
  test("the daemon sends, with the counts still in its memory, and subtracts them", async () => {
    const c = startCollector();
    collectors.push(c);
    const h = await makeHome({ telemetry: { endpoint: c.url, notice_shown: true } });
    const d = await serve(COMPILED, h, {
      args: ["--heartbeat-delay", "1h"],
      env: { MCPPROXY_TEST_FLUSH_EVERY: "1h" },
    });
    for (let i = 0; i < 4; i++) await d.get("/api/v1/status", { "x-mcpproxy-client": "tray/1" });
    const r = await run(COMPILED, ["telemetry", "send"], { env: cleanEnv(h.dir) });
    expect([r.code, r.stderr, r.stdout]).toEqual([0, "", `sent to ${c.url}/heartbeat (HTTP 200)\n`]);
    const [beat] = c.heartbeats() as Array<{
      surface_requests: Record<string, number>;
      uptime_hours: number;
    }>;
    expect(beat?.surface_requests).toMatchObject({ tray: 4, cli: 1 });
    const store = await readJson(join(h.data, "telemetry-counters.json"));
    expect(store.surface_requests.tray).toBe(0);
    // DO_NOT_TRACK on this terminal wins, whatever the daemon's environment says.
    const off = await run(COMPILED, ["telemetry", "send"], { env: cleanEnv(h.dir, { DO_NOT_TRACK: "1" }) });
    expect([off.code, off.stderr]).toEqual([
      0,
      "mcpproxy: not sent: telemetry is off (DO_NOT_TRACK is set)\n",
    ]);
    expect(c.heartbeats().length).toBe(1);
    await waitFor("the daemon's log line", () => d.stderr().length > 0);
    expect(await d.stop()).toBe(0);
  }, 30_000);
});
