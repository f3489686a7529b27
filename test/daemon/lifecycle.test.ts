// The daemon's life: clean stop and restart keep every count, kill -9, the exit codes 2 to 5, faults while running.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync } from "node:fs";
import { chmod, chown, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import {
  COMPILED,
  cleanEnv,
  ensureBinary,
  IS_ROOT,
  nobodyRunner,
  type Runner,
  run,
  SOURCE,
} from "../support/cli.ts";
import { type Daemon, type Home, makeHome, readJson, serve, startServe, waitFor } from "../support/daemon.ts";

beforeAll(ensureBinary, 120_000);

const blockers: Array<{ stop(force?: boolean): void }> = [];
afterAll(() => {
  for (const b of blockers) b.stop(true);
});

const statusCalls = async (d: Daemon, n: number, client = "cli/1") => {
  for (let i = 0; i < n; i++)
    expect((await d.get("/api/v1/status", { "x-mcpproxy-client": client })).status).toBe(200);
};
const stored = (h: Home) => readJson(join(h.data, "telemetry-counters.json")).catch(() => null);
const outcomeIn = async (h: Home) => ({
  config: (await readJson(h.config).catch(() => ({})))?.telemetry?.last_startup_outcome,
  state: (await readJson(join(h.data, "daemon-state.json")).catch(() => ({})))?.last_startup_outcome,
});

describe.each([SOURCE, COMPILED])("daemon lifecycle ($name)", (runner) => {
  test("SIGTERM flushes, removes its state file and lock, exits 0; a restart keeps every count", async () => {
    const h = await makeHome({ telemetry: { notice_shown: true } });
    // Flushes only at the stop: nothing may be lost between the last periodic flush and the signal.
    const env = { MCPPROXY_TEST_FLUSH_EVERY: "1h" };
    const d = await serve(runner, h, { env });
    await statusCalls(d, 5, "cli/1");
    await statusCalls(d, 2, "tray/1");
    expect(await stored(h)).toBeNull();
    expect(await d.stop("SIGTERM")).toBe(0);
    expect(d.stderr()).toContain("stopped");
    expect(existsSync(join(h.data, "daemon.json"))).toBe(false);
    expect(existsSync(join(h.data, "daemon.lock"))).toBe(false);
    expect((await stored(h))?.surface_requests).toEqual({ mcp: 0, cli: 5, webui: 0, tray: 2, unknown: 0 });

    const again = await serve(runner, h, { env });
    await statusCalls(again, 1, "webui/1");
    const payload = await (await again.get("/api/v1/telemetry/payload")).json();
    expect(payload.surface_requests).toEqual({ mcp: 0, cli: 5, webui: 1, tray: 2, unknown: 0 });
    expect(payload.rest_endpoint_calls).toEqual({ "GET /api/v1/status": { "2xx": 8 } });
    expect(payload.last_startup_outcome).toBe("success");
    expect(await again.stop("SIGINT")).toBe(0);
    expect((await stored(h))?.surface_requests.unknown).toBe(1);
  });

  test("kill -9 loses at most the last flush period; clients ignore its stale state file; a restart takes over", async () => {
    const h = await makeHome({ telemetry: { notice_shown: true } });
    const d = await serve(runner, h);
    await statusCalls(d, 6);
    await waitFor("the flush", async () => (await stored(h))?.surface_requests.cli === 6);
    expect(await d.stop("SIGKILL")).not.toBe(0);
    expect(existsSync(join(h.data, "daemon.json"))).toBe(true);
    const status = await run(runner, ["telemetry", "status", "--json"], { env: cleanEnv(h.dir) });
    expect([status.code, status.stderr]).toEqual([0, ""]);
    expect(JSON.parse(status.stdout).daemon).toEqual({ running: false, address: "", pid: null });
    const shown = await run(runner, ["telemetry", "show-payload"], { env: cleanEnv(h.dir) });
    expect(shown.code).toBe(0);
    expect(JSON.parse(shown.stdout).surface_requests.cli).toBe(6);
    const again = await serve(runner, h);
    expect((await readJson(join(h.data, "daemon.json"))).pid).toBe(again.pid);
    const payload = await (await again.get("/api/v1/telemetry/payload")).json();
    expect(payload.surface_requests.cli).toBe(6);
    expect(await again.stop()).toBe(0);
  });

  test("exit 2 when the port is in use; the outcome is recorded", async () => {
    const blocker = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: () => new Response("") });
    blockers.push(blocker);
    const h = await makeHome({ telemetry: { notice_shown: true } });
    const r = await startServe(runner, h, { listen: `127.0.0.1:${blocker.port}` });
    expect([r.code, r.stdout]).toEqual([2, ""]);
    expect(r.stderr).toStartWith(
      `mcpproxy: cannot listen on http://127.0.0.1:${blocker.port}: the port is in use\n`,
    );
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(await outcomeIn(h)).toEqual({ config: "port_conflict", state: "port_conflict" });
    expect(existsSync(join(h.data, "daemon.json"))).toBe(false);
    expect(existsSync(join(h.data, "daemon.lock"))).toBe(false);
    blocker.stop(true);
  });

  test("exit 3 for a second daemon on the same data dir; the first keeps serving", async () => {
    const h = await makeHome({ telemetry: { notice_shown: true } });
    const first = await serve(runner, h);
    const second = await startServe(runner, h);
    expect([second.code, second.stdout]).toEqual([3, ""]);
    expect(second.stderr).toStartWith(
      `mcpproxy: another mcpproxy serve (pid ${first.pid}, ${first.url}) holds the data dir ${h.data}\n`,
    );
    expect(await outcomeIn(h)).toEqual({ config: "db_locked", state: "db_locked" });
    expect((await first.get("/api/v1/status")).status).toBe(200);
    expect((await readJson(join(h.data, "daemon.json"))).pid).toBe(first.pid);
    expect(await first.stop()).toBe(0);
  });

  test("exit 4 for a broken config, which is never rewritten; the outcome reaches the next payload", async () => {
    const text = `{"telemetry": {"enabled": true,}}\n`;
    const h = await makeHome(text);
    const r = await startServe(runner, h);
    expect([r.code, r.stdout]).toEqual([4, ""]);
    expect(r.stderr).toStartWith(`mcpproxy: ${h.config}:1:31: invalid JSON: trailing comma`);
    expect(r.stderr.trim().split("\n").length).toBeLessThanOrEqual(2);
    expect(await readFile(h.config, "utf8")).toBe(text);
    expect((await readJson(join(h.data, "daemon-state.json"))).last_startup_outcome).toBe("config_error");
    await writeFile(h.config, `{"telemetry": {"enabled": true}}\n`);
    const shown = await run(runner, ["telemetry", "show-payload"], { env: cleanEnv(h.dir) });
    expect(JSON.parse(shown.stdout).last_startup_outcome).toBe("config_error");
  });

  test("flags: bad durations and an address others can reach are usage errors (exit 1)", async () => {
    const h = await makeHome({ telemetry: { notice_shown: true } });
    const cases: Array<[string[], RegExp]> = [
      [["--heartbeat-delay", "5x"], /--heartbeat-delay must be a duration .*got "5x"/],
      [["--heartbeat-interval", "0"], /--heartbeat-interval must be a duration above zero/],
      [["--listen", "nowhere"], /--listen must be host:port/],
      [["--listen", "0.0.0.0:0"], /--listen 0.0.0.0:0 is reachable from other machines/],
    ];
    for (const [args, message] of cases) {
      const r = await run(runner, ["serve", ...args], { env: cleanEnv(h.dir) });
      expect([r.code, r.stdout]).toEqual([1, ""]);
      expect(r.stderr).toMatch(message);
    }
    expect(existsSync(join(h.data, "daemon-state.json"))).toBe(false);
  });

  test("listen from the config; a remote one needs --allow-remote (else exit 4, file untouched)", async () => {
    const h = await makeHome({ listen: "0.0.0.0:0", telemetry: { notice_shown: true } });
    const before = await readFile(h.config, "utf8");
    const refused = await startServe(runner, h, { listen: "" });
    expect(refused.code).toBe(4);
    expect(refused.stderr).toContain("listen 0.0.0.0:0 is reachable from other machines");
    expect(refused.stderr).toContain("--allow-remote");
    expect(await readFile(h.config, "utf8")).toBe(before);
    expect(await outcomeIn(h)).toEqual({ config: undefined, state: "config_error" });
    const d = await serve(runner, h, { listen: "", args: ["--allow-remote"] });
    expect(d.stdout()).toMatch(/^listening on http:\/\/0\.0\.0\.0:\d+\n$/);
    expect(d.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect((await d.get("/api/v1/status")).status).toBe(200);
    expect(await d.stop()).toBe(0);
  });

  test("a config broken while running: the last good one is kept, said once; a fixed one is taken up", async () => {
    const h = await makeHome({ telemetry: { notice_shown: true } });
    const d = await serve(runner, h);
    const good = await readFile(h.config, "utf8");
    await writeFile(h.config, "{ broken");
    await waitFor("the warning", () => d.stderr().includes("running on the last good config"));
    await statusCalls(d, 3);
    await Bun.sleep(600);
    expect(d.stderr().split("running on the last good config").length).toBe(2);
    expect(await readFile(h.config, "utf8")).toBe("{ broken");
    await writeFile(h.config, good.replace('"notice_shown": true', '"notice_shown": true, "enabled": false'));
    await waitFor(
      "the fixed config",
      async () => (await (await d.get("/api/v1/status")).json()).telemetry_enabled === false,
    );
    expect(d.stderr()).toContain("reads well again");
    expect(await d.stop()).toBe(0);
  });

  test("the data dir removed under it: it keeps serving and writes its files again", async () => {
    const h = await makeHome({ telemetry: { notice_shown: true } });
    const d = await serve(runner, h, { args: ["--config", h.config] });
    await rm(h.data, { recursive: true, force: true });
    await statusCalls(d, 4);
    await waitFor("the state file again", () => existsSync(join(h.data, "daemon.json")));
    await waitFor("the counters again", async () => (await stored(h))?.surface_requests.cli === 4);
    expect(d.stderr()).toContain("lost its daemon.json");
    expect(await d.stop()).toBe(0);
  });

  test("telemetry off (DO_NOT_TRACK): requests are answered, nothing is counted or stored", async () => {
    const h = await makeHome({ telemetry: { notice_shown: true } });
    const d = await serve(runner, h, { env: { DO_NOT_TRACK: "1" } });
    await statusCalls(d, 3);
    const events = await d.post("/api/v1/telemetry/events", {
      events: [{ kind: "error_category", category: "docker_run_failed" }],
    });
    expect(await events.json()).toEqual({ recorded: 0, dropped: 1, telemetry_enabled: false });
    expect(await d.stop()).toBe(0);
    expect(await stored(h)).toBeNull();
  });
});

// Permission denied: as `nobody` where we are root (the compiled copy runs from anywhere), else as ourselves.
const asOther: Runner | null = IS_ROOT ? await nobodyRunner() : COMPILED;
describe("exit 5, permission denied", () => {
  const home = async (owner: "them" | "root") => {
    const h = await makeHome({ telemetry: { notice_shown: true } });
    await chmod(h.dir, 0o755);
    if (IS_ROOT && owner === "them") {
      for (const p of [h.dir, h.data, h.config]) await chown(p, 65534, 65534);
    }
    return h;
  };

  test("a data dir that cannot be written", async () => {
    // Root's folder, readable by all, writable by root alone (or, not as root, by nobody).
    const h = await home("root");
    await chmod(h.config, 0o644);
    await chmod(h.data, IS_ROOT ? 0o755 : 0o555);
    const r = await startServe(asOther as Runner, h, { args: ["--data-dir", h.data] });
    expect([r.code, r.stdout]).toEqual([5, ""]);
    expect(r.stderr).toContain("permission denied");
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  test("a port below 1024 as a user who may not bind one", async () => {
    const unprivileged = Number(
      await readFile("/proc/sys/net/ipv4/ip_unprivileged_port_start", "utf8").catch(() => "1024"),
    );
    if (unprivileged <= 80) {
      console.warn("skipped: this machine lets anyone bind port 80 (ip_unprivileged_port_start)");
      return;
    }
    const h = await home("them");
    const r = await startServe(asOther as Runner, h, { listen: "127.0.0.1:80" });
    expect([r.code, r.stdout]).toEqual([5, ""]);
    expect(r.stderr).toStartWith("mcpproxy: cannot listen on http://127.0.0.1:80: permission denied\n");
    expect((await readJson(join(h.data, "daemon-state.json"))).last_startup_outcome).toBe("permission_error");
  });
});
