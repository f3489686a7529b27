// The daemon's heartbeat loop against a loopback collector (compiled: only a release build sends).
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { join } from "node:path";
import { payloadProblem } from "../../src/core/payload.ts";
import { COMPILED, cleanEnv, ensureBinary, run } from "../support/cli.ts";
import { type Collector, startCollector } from "../support/collector.ts";
import { makeHome, readJson, serve, waitFor } from "../support/daemon.ts";

beforeAll(ensureBinary, 120_000);
type Beat = { surface_requests: Record<string, number>; uptime_hours: number; last_startup_outcome?: string };
const collectors: Collector[] = [];
afterAll(() => {
  for (const c of collectors) c.stop();
});

function collector(...args: Parameters<typeof startCollector>) {
  const c = startCollector(...args);
  collectors.push(c);
  return c;
}

describe("heartbeat loop (compiled)", () => {
  test("first after the delay, then every interval; counts sent are subtracted; disable elsewhere stops it", async () => {
    const c = collector();
    const h = await makeHome({ telemetry: { endpoint: c.url } });
    const d = await serve(COMPILED, h, {
      args: ["--heartbeat-delay", "300ms", "--heartbeat-interval", "700ms"],
    });
    await waitFor("the first-run notice", () => d.stderr().includes("anonymous usage telemetry is on"));
    for (let i = 0; i < 3; i++) await d.get("/api/v1/status", { "x-mcpproxy-client": "tray/1" });
    await waitFor("two heartbeats", () => c.heartbeats().length >= 2);
    const [first] = c.heartbeats() as Beat[];
    expect(payloadProblem(first)).toBe("");
    expect(first?.uptime_hours).toBe(0);
    expect(first?.last_startup_outcome).toBe("success");
    expect(first?.surface_requests.tray).toBe(3);
    expect(c.received[0]?.headers["user-agent"]).toBe("mcpproxy/v0.1.0");
    // Sent counts leave the store; the next heartbeat carries only what came after.
    const later = c.heartbeats().at(-1) as Beat;
    expect(later.surface_requests.tray).toBe(0);
    expect((await readJson(h.config)).telemetry.last_reported_version).toBe("v0.1.0");

    const off = await run(COMPILED, ["telemetry", "disable"], { env: cleanEnv(h.dir) });
    expect(off.code).toBe(0);
    await waitFor("the beacon", () => c.beacons().length === 1);
    const sent = c.heartbeats().length;
    // Four intervals with telemetry off: not one more heartbeat, and no restart.
    await Bun.sleep(2_800);
    expect(c.heartbeats().length).toBe(sent);
    expect(d.stderr()).toContain("heartbeat not sent: telemetry is off");
    const status = await (await d.get("/api/v1/status")).json();
    expect(status.telemetry_enabled).toBe(false);
    expect(await d.stop()).toBe(0);
  }, 30_000);

  test("after failures it retries with growing waits from the floor, then goes back to the schedule", async () => {
    const c = collector((_, i) => new Response("no", { status: i < 3 ? 400 : 200 }));
    const h = await makeHome({ telemetry: { endpoint: c.url, notice_shown: true } });
    const d = await serve(COMPILED, h, {
      args: ["--heartbeat-delay", "0", "--heartbeat-interval", "1h"],
      env: { MCPPROXY_TEST_RETRY_FLOOR: "250ms" },
    });
    const times: number[] = [];
    await waitFor("four attempts", () => {
      while (times.length < c.received.length) times.push(performance.now());
      return c.received.length >= 4;
    });
    const gaps = times.slice(1).map((t, i) => t - (times[i] as number));
    // 250 ms, 500 ms, 1000 ms (the poll adds a little).
    expect(gaps[0]).toBeGreaterThanOrEqual(200);
    expect(gaps[1]).toBeGreaterThan((gaps[0] as number) * 1.5);
    expect(gaps[2]).toBeGreaterThan((gaps[1] as number) * 1.5);
    await Bun.sleep(1_500);
    // The fourth was taken: the next is a regular tick an hour away.
    expect(c.received.length).toBe(4);
    expect(d.stderr()).toMatch(/heartbeat not sent: 127\.0\.0\.1:\d+ answered 400\n/);
    expect(await d.stop()).toBe(0);
  }, 30_000);

  test("retries never wait past the next regular tick", async () => {
    const c = collector(() => new Response("no", { status: 400 }));
    const h = await makeHome({ telemetry: { endpoint: c.url, notice_shown: true } });
    // A floor of a minute, ticks every 600 ms: the ticks come, the floor never waits.
    const d = await serve(COMPILED, h, {
      args: ["--heartbeat-delay", "0", "--heartbeat-interval", "600ms"],
      env: { MCPPROXY_TEST_RETRY_FLOOR: "1m" },
    });
    await waitFor("four attempts in a few seconds", () => c.received.length >= 4, 5_000);
    expect(await d.stop()).toBe(0);
  }, 30_000);

  test("the startup outcome of a failed start reaches the daemon's next heartbeat", async () => {
    const c = collector();
    const h = await makeHome({ telemetry: { endpoint: c.url, notice_shown: true } });
    const first = await serve(COMPILED, h, { args: ["--heartbeat-delay", "1h"] });
    const second = await run(COMPILED, ["serve", "--listen", "127.0.0.1:0"], { env: cleanEnv(h.dir) });
    expect(second.code).toBe(3);
    const send = await run(COMPILED, ["telemetry", "send", "--json"], { env: cleanEnv(h.dir) });
    expect(send.code).toBe(0);
    expect(c.heartbeats()[0]?.last_startup_outcome).toBe("db_locked");
    expect((await readJson(join(h.data, "daemon-state.json"))).last_startup_outcome).toBe("db_locked");
    expect(await first.stop()).toBe(0);
  }, 30_000);
});
