// `telemetry send`, the opt-out beacon and the first-run notice, against a real loopback collector.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync } from "node:fs";
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { payloadProblem } from "../../src/core/payload.ts";
import { COMPILED, cleanEnv, ensureBinary, run, SOURCE, tempDir } from "../support/cli.ts";
import { type Collector, startCollector } from "../support/collector.ts";

const roots: string[] = [];
const collectors: Collector[] = [];
beforeAll(ensureBinary, 120_000);
afterAll(async () => {
  for (const c of collectors) c.stop();
  await Promise.all(roots.map((dir) => rm(dir, { recursive: true, force: true })));
});

const ID = "0b0e2c1a-4a53-4b8e-9d57-1f5d6a8c3e21";
const COUNTERS = "telemetry-counters.json";

function collector(...args: Parameters<typeof startCollector>) {
  const c = startCollector(...args);
  collectors.push(c);
  return c;
}

async function home(config: Record<string, unknown> = {}, name = "") {
  const dir = await tempDir("mcpx-send-");
  roots.push(dir);
  const homeDir = name ? join(dir, name) : dir;
  const data = join(homeDir, ".mcpproxy");
  await mkdir(data, { recursive: true });
  const path = join(data, "mcp_config.json");
  await writeFile(path, `${JSON.stringify(config, null, 2)}\n`);
  return { dir: homeDir, data, config: path };
}

const readJson = async (path: string) => JSON.parse(await readFile(path, "utf8"));
// The compiled binary is a release (v0.1.0); from source the version is `dev`, which never sends.
const cli = (args: string[], env: Record<string, string>) => run(COMPILED, args, { env });

describe("telemetry send (compiled, a release build)", () => {
  test("sends one heartbeat, exactly as show-payload shows it; notice once; version advanced", async () => {
    const c = collector();
    const h = await home({ telemetry: { endpoint: c.url } });
    const env = cleanEnv(h.dir);
    const r = await cli(["telemetry", "send"], env);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`sent to ${c.url}/heartbeat (HTTP 200)\n`);
    expect(r.stderr).toContain("anonymous usage telemetry is on");
    expect(r.stderr).toContain("mcpproxy telemetry disable");
    expect(c.received).toHaveLength(1);
    const [request] = c.received;
    expect(request?.method).toBe("POST");
    expect(request?.path).toBe("/v1/heartbeat");
    expect(request?.headers["content-type"]).toBe("application/json");
    expect(request?.headers["user-agent"]).toBe("mcpproxy/v0.1.0");
    const body = JSON.parse(request?.body ?? "");
    expect(payloadProblem(body)).toBe("");
    expect(body.previous_version).toBe("");
    const config = await readJson(h.config);
    expect(config.telemetry).toMatchObject({
      endpoint: c.url,
      notice_shown: true,
      last_reported_version: "v0.1.0",
      anonymous_id: body.anonymous_id,
    });
    const shown = JSON.parse((await cli(["telemetry", "show-payload"], env)).stdout);
    expect({ ...shown, timestamp: "" }).toEqual({ ...body, timestamp: "", previous_version: "v0.1.0" });
    const again = await cli(["telemetry", "send", "--json"], env);
    expect(again.stderr).toBe("");
    expect(JSON.parse(again.stdout)).toMatchObject({ sent: true, status: 200, attempts: 1 });
    expect(c.heartbeats()[1]?.previous_version).toBe("v0.1.0");
  });

  test("after a 2xx exactly what was sent is subtracted; the 24-hour code window stays", async () => {
    const c = collector();
    const h = await home({ telemetry: { endpoint: c.url, notice_shown: true } });
    const env = cleanEnv(h.dir, { PATH: join(h.dir, "no-bin"), SHELL: "/bin/false" });
    await cli(["diagnose", "spawn npx ENOENT", "--transport", "stdio", "--record"], env);
    await cli(["doctor"], env);
    expect((await cli(["telemetry", "send"], env)).code).toBe(0);
    const sent = c.heartbeats()[0] as { doctor_checks: Record<string, unknown>; diagnostics?: unknown };
    expect(Object.keys(sent.doctor_checks).length).toBeGreaterThan(0);
    expect(sent.diagnostics).toEqual({ error_code_counts_24h: { MCPX_STDIO_SPAWN_ENOENT: 1 } });
    const store = await readJson(join(h.data, COUNTERS));
    expect(store.doctor_checks).toEqual({});
    expect(Object.values(store.error_code_counts_by_hour)).toEqual([{ MCPX_STDIO_SPAWN_ENOENT: 1 }]);
  });

  test.each([
    ["DO_NOT_TRACK=1", { DO_NOT_TRACK: "1" }, {}, "DO_NOT_TRACK is set"],
    ["CI=true", { CI: "true" }, {}, "CI is set"],
    [
      "MCPPROXY_TELEMETRY=false",
      { MCPPROXY_TELEMETRY: "false" },
      {},
      "MCPPROXY_TELEMETRY is set to turn it off",
    ],
    ["config off", {}, { enabled: false }, "turned off in the config"],
  ])("%s: zero requests, exit 0, the reason on stderr, no id made", async (_, extra, telemetry, reason) => {
    const c = collector();
    const h = await home({ telemetry: { endpoint: c.url, ...telemetry } });
    const r = await cli(["telemetry", "send"], cleanEnv(h.dir, extra));
    expect([r.code, r.stdout]).toEqual([0, ""]);
    expect(r.stderr).toStartWith(`mcpproxy: not sent: telemetry is off (${reason}`);
    expect(r.stderr).not.toContain("anonymous usage telemetry is on");
    expect(c.received).toEqual([]);
    expect((await readJson(h.config)).telemetry.anonymous_id).toBeUndefined();
  });

  test.each([
    ["ftp://127.0.0.1/v1", "is not https://"],
    ["http://example.com/v1", "uses plain http:// to another machine"],
    ["not a url", "is not a URL"],
    ["https://user:secret@example.com/v1", "must not hold a user name or password"],
  ])("endpoint %s is refused with a clear line and nothing is sent", async (endpoint, why) => {
    const h = await home({ telemetry: { endpoint, notice_shown: true } });
    const r = await cli(["telemetry", "send"], cleanEnv(h.dir));
    expect([r.code, r.stdout]).toEqual([0, ""]);
    expect(r.stderr).toContain(why);
    expect(r.stderr).not.toContain("secret");
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
  });

  test("a 503 then a 200: retried and sent", async () => {
    const c = collector((_, i) => new Response("busy", { status: i === 0 ? 503 : 200 }));
    const h = await home({ telemetry: { endpoint: c.url, notice_shown: true } });
    const r = await cli(["telemetry", "send", "--json"], cleanEnv(h.dir));
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ sent: true, status: 200, attempts: 2 });
    expect(c.received).toHaveLength(2);
  });

  test("a collector that keeps failing: exit 1 after 3 attempts, every count kept", async () => {
    const c = collector(() => new Response("no", { status: 500 }));
    const h = await home({ telemetry: { endpoint: c.url, notice_shown: true } });
    const env = cleanEnv(h.dir);
    await cli(["diagnose", "connection refused", "--record"], env);
    const before = await readFile(join(h.data, COUNTERS), "utf8");
    const r = await cli(["telemetry", "send"], env);
    expect([r.code, r.stdout]).toEqual([1, ""]);
    expect(r.stderr).toStartWith(`mcpproxy: the heartbeat was not accepted by ${c.url}/heartbeat: `);
    expect(r.stderr).toContain("(3 attempts)");
    expect(r.stderr).toContain("hint: the counts are kept");
    expect(c.received).toHaveLength(3);
    expect(await readFile(join(h.data, COUNTERS), "utf8")).toBe(before);
    expect((await readJson(h.config)).telemetry.last_reported_version).toBeUndefined();
  });

  test("a collector on a port that is closed: exit 1, one line", async () => {
    const c = collector();
    c.stop();
    const h = await home({ telemetry: { endpoint: c.url, notice_shown: true } });
    const r = await cli(["telemetry", "send"], cleanEnv(h.dir));
    expect(r.code).toBe(1);
    expect(r.stderr.split("\n")[0]).toContain("was not accepted");
    expect(r.stderr).not.toMatch(/^\s+at /m);
  });

  test("a payload the privacy gate blocks is not sent, is counted, and show-payload says why", async () => {
    const c = collector();
    // A home folder named like a doctor check that another component recorded: the name would leave.
    const h = await home({ telemetry: { endpoint: c.url, notice_shown: true } }, "carol_smith");
    await writeFile(
      join(h.data, COUNTERS),
      JSON.stringify({
        surface_requests: { mcp: 0, cli: 0, webui: 0, tray: 0, unknown: 0 },
        builtin_tool_calls: {},
        upstream_tool_calls: 0,
        rest_endpoint_calls: {},
        error_category_counts: {},
        doctor_checks: { carol_smith: { pass: 1, fail: 0 } },
        error_code_counts_by_hour: {},
      }),
    );
    const env = cleanEnv(h.dir);
    const r = await cli(["telemetry", "send"], env);
    expect([r.code, r.stdout]).toEqual([0, ""]);
    expect(r.stderr).toContain("rule home_folder");
    expect(c.received).toEqual([]);
    expect((await readJson(join(h.data, COUNTERS))).blocked_sends).toBe(1);
    const shown = await cli(["telemetry", "show-payload"], env);
    expect(shown.code).toBe(0);
    expect(JSON.parse(shown.stdout).doctor_checks).toEqual({ carol_smith: { pass: 1, fail: 0 } });
    expect(shown.stderr).toContain("the privacy gate would block this heartbeat (rule home_folder");
  });

  test("kill -9 while a send is in flight: the store is whole and keeps every count", async () => {
    let arrived: () => void = () => {};
    const inFlight = new Promise<void>((resolve) => {
      arrived = resolve;
    });
    const c = collector(async () => {
      arrived();
      await Bun.sleep(20_000);
      return new Response("late");
    });
    const h = await home({ telemetry: { endpoint: c.url, notice_shown: true } });
    const env = cleanEnv(h.dir);
    await cli(["diagnose", "connection refused", "--record"], env);
    await cli(["doctor"], { ...env, SHELL: "/bin/false" });
    const before = await readFile(join(h.data, COUNTERS), "utf8");
    const proc = Bun.spawn([...COMPILED.command, "telemetry", "send"], {
      env,
      stdout: "ignore",
      stderr: "ignore",
    });
    await inFlight;
    proc.kill(9);
    await proc.exited;
    expect(await readFile(join(h.data, COUNTERS), "utf8")).toBe(before);
    expect(existsSync(join(h.data, `${COUNTERS}.lock`))).toBe(false);
  });
});

describe("privacy canaries", () => {
  test("names, commands, args, URLs, client ids, tenants, tokens and paths never reach the collector", async () => {
    const c = collector();
    const canaries = {
      name: "canary-server-zebra",
      command: "/opt/canary-bin/uvx-zebra",
      arg: "--canary-arg-zebra",
      url: "https://canary-host-zebra.example.org/mcp?tenant=canary-tenant-zebra",
      clientId: "canary-client-id-zebra",
      tenant: "canary-tenant-id-zebra",
      env: "CANARY_ENV_VALUE_zebra",
      token: "ghp_canaryTokenZebra123",
      openai: "sk-canaryOpenAiZebra",
    };
    const h = await home({
      telemetry: { endpoint: c.url, notice_shown: true },
      api_key: "canary-api-key-zebra",
      docker_isolation: { enabled: true },
      mcpServers: [
        {
          name: canaries.name,
          protocol: "stdio",
          command: canaries.command,
          args: [canaries.arg],
          env: { SECRET: canaries.env },
          enabled: true,
        },
        {
          name: "canary-oauth-zebra",
          protocol: "streamable-http",
          url: canaries.url,
          enabled: true,
          oauth: { client_id: canaries.clientId, tenant_id: canaries.tenant, scopes: ["canary-scope-zebra"] },
        },
      ],
    });
    const env = cleanEnv(h.dir, { GITHUB_TOKEN: canaries.token, OPENAI_API_KEY: canaries.openai });
    await cli(["diagnose", `spawn ${canaries.command} ENOENT`, "--transport", "stdio", "--record"], env);
    const r = await cli(["telemetry", "send"], env);
    expect(r.code).toBe(0);
    expect(c.heartbeats()).toHaveLength(1);
    const body = c.received[0]?.body ?? "";
    for (const canary of [...Object.values(canaries), "canary-api-key-zebra", "canary", "zebra", h.dir]) {
      expect(body).not.toContain(canary);
    }
    const sent = JSON.parse(body);
    expect(sent.server_count).toBe(2);
    expect(sent.feature_flags.oauth_provider_types).toEqual(["generic"]);
    expect(sent.server_docker_isolated_count).toBe(1);
  });
});

describe("the opt-out beacon", () => {
  test("sent once on a real enabled → disabled change, never when already off", async () => {
    const c = collector();
    const h = await home({ telemetry: { endpoint: c.url, anonymous_id: ID, notice_shown: true } });
    const env = cleanEnv(h.dir);
    expect((await cli(["telemetry", "disable"], env)).code).toBe(0);
    expect(c.beacons()).toEqual([{ event: "telemetry_disabled", anonymous_id: ID }]);
    await cli(["telemetry", "disable"], env);
    expect(c.received).toHaveLength(1);
    await cli(["telemetry", "enable"], env);
    await cli(["telemetry", "disable"], cleanEnv(h.dir, { DO_NOT_TRACK: "1" }));
    expect(c.received).toHaveLength(1);
    // The config says it: the change was saved before the beacon left.
    expect((await readJson(h.config)).telemetry.enabled).toBe(false);
  });

  test("a collector that is down does not fail or hang disable", async () => {
    const c = collector();
    c.stop();
    const h = await home({ telemetry: { endpoint: c.url, anonymous_id: ID } });
    const r = await cli(["telemetry", "disable", "--json"], cleanEnv(h.dir));
    expect([r.code, r.stderr]).toEqual([0, ""]);
    expect(JSON.parse(r.stdout).enabled).toBe(false);
  });
});

describe("telemetry send (source, a dev build)", () => {
  test("a dev build never sends", async () => {
    const c = collector();
    const h = await home({ telemetry: { endpoint: c.url, notice_shown: true } });
    const r = await run(SOURCE, ["telemetry", "send"], { env: cleanEnv(h.dir) });
    expect([r.code, r.stdout]).toEqual([0, ""]);
    expect(r.stderr).toContain("not sent:");
    expect(r.stderr).toContain("dev");
    expect(c.received).toEqual([]);
  });
});

describe("many processes recording and sending at once", () => {
  test("every count is in exactly one accepted heartbeat or still in the store", async () => {
    const c = collector(async (_, i) => {
      await Bun.sleep(i % 3 === 0 ? 150 : 10);
      return new Response("{}", { status: i % 4 === 3 ? 500 : 200 });
    });
    const h = await home({ telemetry: { endpoint: c.url, notice_shown: true } });
    const env = cleanEnv(h.dir, { PATH: join(h.dir, "no-bin"), SHELL: "/bin/false" });
    const N = 8;
    await Promise.all(
      Array.from({ length: N }, async () => {
        await cli(["doctor"], env);
        await cli(["telemetry", "send"], env);
      }),
    );
    const accepted = c.received
      .map((r, i) => ({ r, ok: i % 4 !== 3 }))
      .filter(({ ok }) => ok)
      .map(
        ({ r }) => JSON.parse(r.body) as { doctor_checks: Record<string, { pass: number; fail: number }> },
      );
    const store = await readJson(join(h.data, COUNTERS));
    const perCheck: Record<string, number> = {};
    for (const checks of [...accepted.map((b) => b.doctor_checks), store.doctor_checks]) {
      for (const [name, check] of Object.entries(checks as Record<string, { pass: number; fail: number }>)) {
        perCheck[name] = (perCheck[name] ?? 0) + check.pass + check.fail;
      }
    }
    // Each doctor run records each of its six checks once: no count lost, none counted twice.
    const once = Object.fromEntries(
      [
        "config_valid",
        "data_dir_writable",
        "no_stale_locks",
        "docker_cli_found",
        "docker_engine_answers",
        "identity_clock_sane",
      ].map((name) => [name, N]),
    );
    expect(perCheck).toEqual(once);
    expect(accepted.length).toBeGreaterThan(0);
  }, 120_000);
});
