// `mcpproxy collector` and `collector report` as real processes: intake, refusals, faults, concurrency, shutdown.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { chmod, mkdir, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import {
  COMPILED,
  cleanEnv,
  DENO,
  ensureBinary,
  IS_ROOT,
  nobodyRunner,
  run,
  SOURCE,
  tempDir,
} from "../support/cli.ts";
import {
  bodies,
  type CollectorProcess,
  rowCount,
  startCollectorProcess,
} from "../support/collector-process.ts";
import { installId, releaseBody, releasePayload } from "../support/heartbeat-body.ts";

// Root writes any file whatever its mode: the read-only case runs as `nobody` there.
const readOnlyRunner = IS_ROOT ? await nobodyRunner() : COMPILED;
const roots: string[] = [];
const running: CollectorProcess[] = [];
beforeAll(ensureBinary, 120_000);
afterAll(async () => {
  for (const c of running) c.proc.kill("SIGKILL");
  await Promise.all(roots.map((dir) => rm(dir, { recursive: true, force: true })));
});

async function dir() {
  const d = await tempDir("mcpx-collector-");
  roots.push(d);
  return d;
}

async function collector(options: Parameters<typeof startCollectorProcess>[2] = {}, runner = SOURCE) {
  const db = join(await dir(), "fleet.db");
  const c = await startCollectorProcess(runner, db, options);
  running.push(c);
  return { ...c, db };
}

const report = async (db: string, extra: string[] = []) => {
  const r = await run(SOURCE, ["collector", "report", "--db", db, "--json", ...extra], {
    env: cleanEnv("/tmp"),
  });
  expect([r.code, r.stderr]).toEqual([0, ""]);
  return JSON.parse(r.stdout);
};

describe("the CLI's own sends, against the collector", () => {
  test("telemetry send (compiled release) stores one row whose body is byte for byte the ledger's", async () => {
    const c = await collector();
    const home = await dir();
    await mkdir(join(home, ".mcpproxy"));
    const endpoint = `${c.url}/v1`;
    await writeFile(
      join(home, ".mcpproxy/mcp_config.json"),
      JSON.stringify({ telemetry: { endpoint, notice_shown: true } }),
    );
    const env = cleanEnv(home);
    const sent = await run(COMPILED, ["telemetry", "send"], { env });
    expect([sent.code, sent.stdout]).toEqual([0, `sent to ${endpoint}/heartbeat (HTTP 200)\n`]);
    const ledger = await run(COMPILED, ["telemetry", "log", "--show", "1"], { env });
    expect(bodies(c.db)).toEqual([ledger.stdout]);

    const off = await run(COMPILED, ["telemetry", "disable"], { env });
    expect(off.code).toBe(0);
    const [beacon] = bodies(c.db, "events");
    const id = JSON.parse(ledger.stdout).anonymous_id;
    expect(JSON.parse(beacon ?? "")).toEqual({ event: "telemetry_disabled", anonymous_id: id });
    const r = await report(c.db);
    expect(r).toMatchObject({
      heartbeats: 1,
      installs: 1,
      opt_outs: { total: 1 },
      versions: [{ version: "v0.1.0", installs: 1 }],
    });
    expect(await c.stop()).toBe(0);
  });

  test("from source (version dev) nothing is sent, so nothing is stored", async () => {
    const c = await collector();
    const home = await dir();
    await mkdir(join(home, ".mcpproxy"));
    const config = { telemetry: { endpoint: `${c.url}/v1`, notice_shown: true } };
    await writeFile(join(home, ".mcpproxy/mcp_config.json"), JSON.stringify(config));
    const sent = await run(SOURCE, ["telemetry", "send"], { env: cleanEnv(home) });
    expect(sent.code).toBe(0);
    expect(sent.stderr).toContain("not a release");
    expect(rowCount(c.db)).toBe(0);
  });
});

describe("bad input is refused with the field named, and nothing is stored", () => {
  const id = installId(1);
  const valid = releaseBody(id);
  // A duplicate key passes the schema (the last value wins) but its first value carries a home path.
  const smuggledPath = valid.replace('"os": "linux"', '"os": "/home/alice/secret", "os": "linux"');
  const smuggledToken = valid.replace('"os": "linux"', `"os": "ghp_${"a1B2".repeat(9)}", "os": "linux"`);
  const cases: Array<[string, string, number, Record<string, unknown>]> = [
    ["malformed JSON", '{"anonymous_id": ', 400, { error: "the body is not JSON", field: null }],
    [
      "a wrong type",
      releaseBody(id).replace('"server_count": 0', '"server_count": "0"'),
      400,
      { field: "server_count" },
    ],
    [
      "an unknown field",
      valid.replace('"tool_count": 0', '"tool_count": 0, "hostname": "x"'),
      400,
      { error: "unknown field", field: "hostname" },
    ],
    [
      "a nested unknown key",
      releaseBody(id, { env_markers: { has_tty: true } as never }),
      400,
      { field: "env_markers.has_ci_env" },
    ],
    ["a dev version", releaseBody(id, { version: "dev", current_version: "dev" }), 400, { field: "version" }],
    [
      "a home path smuggled by a duplicate key",
      smuggledPath,
      400,
      { error: "privacy gate: rule path_prefix (/home/)", field: null },
    ],
    [
      "a token smuggled by a duplicate key",
      smuggledToken,
      400,
      { error: "privacy gate: a github token", field: null },
    ],
    [
      "a beacon with an extra field",
      '{"event":"telemetry_disabled","anonymous_id":"","host":"x"}',
      400,
      { field: "host" },
    ],
    ["another event", '{"event":"telemetry_enabled","anonymous_id":""}', 400, { field: "event" }],
  ];

  test("the smuggled bodies really pass the schema (so the privacy gate is what stops them)", () => {
    const { payloadProblem } = require("../../src/core/payload.ts");
    expect(payloadProblem(JSON.parse(smuggledPath))).toBe("");
    expect(payloadProblem(JSON.parse(smuggledToken))).toBe("");
  });

  test.each(cases)("%s", async (_, body, status, expected) => {
    const c = await collector();
    const r = await c.post(body);
    expect(r.status).toBe(status);
    expect(r.json).toMatchObject(expected);
    expect([rowCount(c.db), rowCount(c.db, "events")]).toEqual([0, 0]);
    expect((await c.post(valid)).status).toBe(200);
    expect(rowCount(c.db)).toBe(1);
    expect(await c.stop()).toBe(0);
  });

  test("over 64 KiB: 413, by Content-Length and by streamed bytes alike", async () => {
    const c = await collector();
    const big = `${valid.slice(0, -2)}${" ".repeat(70 * 1024)}}`;
    expect((await c.post(big)).status).toBe(413);
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < 80; i++) controller.enqueue(new TextEncoder().encode(" ".repeat(1024)));
        controller.close();
      },
    });
    const streamed = await fetch(`${c.url}/v1/heartbeat`, { method: "POST", body: stream });
    expect(streamed.status).toBe(413);
    expect(rowCount(c.db)).toBe(0);
  });

  test("a token: none or a wrong one is 401, the right one stores", async () => {
    const c = await collector({ args: ["--token", "s3cret-token"] });
    expect((await c.post(valid)).status).toBe(401);
    expect((await c.post(valid, { authorization: "Bearer nope" })).status).toBe(401);
    expect(rowCount(c.db)).toBe(0);
    expect((await c.post(valid, { authorization: "Bearer s3cret-token" })).status).toBe(200);
    expect(rowCount(c.db)).toBe(1);
  });

  test("wrong routes and methods", async () => {
    const c = await collector();
    expect((await fetch(`${c.url}/v1/heartbeat`)).status).toBe(405);
    expect((await fetch(`${c.url}/nope`)).status).toBe(404);
    expect((await fetch(`${c.url}/v1/report?since=soon`)).status).toBe(400);
  });
});

describe("the command line", () => {
  test.each([
    [["collector", "--db", "x.db", "--listen", "0.0.0.0:0"], "reachable from other machines"],
    [["collector", "--listen", "127.0.0.1:0"], "--db is required"],
    [["collector", "--db", "x.db", "--listen", "nope"], "--listen must be host:port"],
    [["collector", "report", "--db", "/nonexistent/x.db"], "no database at /nonexistent/x.db"],
    [["collector", "report", "--db", "x.db", "--since", "soon"], "--since must be a duration"],
  ])("%p is refused", async (args, message) => {
    const r = await run(SOURCE, args, { env: cleanEnv("/tmp"), cwd: await dir() });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr).toContain(message);
  });
});

describe("store faults: a clear 5xx, one log line, nothing half-stored", () => {
  test("a database locked by another process: 503 with Retry-After, then 200 once it is free", async () => {
    const c = await collector();
    expect((await c.post(releaseBody(installId(1)))).status).toBe(200);
    const other = new DatabaseSync(c.db);
    other.exec("BEGIN EXCLUSIVE");
    const locked = await fetch(`${c.url}/v1/heartbeat`, { method: "POST", body: releaseBody(installId(2)) });
    expect(locked.status).toBe(503);
    expect(locked.headers.get("retry-after")).toBe("30");
    expect(await locked.json()).toEqual({ error: "the database is locked by another process", field: null });
    other.exec("ROLLBACK");
    other.close();
    expect((await c.post(releaseBody(installId(3)))).status).toBe(200);
    expect(rowCount(c.db)).toBe(2);
    expect(c.log().match(/cannot store heartbeats/g)).toHaveLength(1);
    expect(c.log()).toContain("storing heartbeats again");
  });

  test("a full database: 507, the rows already answered 200 are all there", async () => {
    const c = await collector({ env: { MCPPROXY_TEST_COLLECTOR_MAX_PAGES: "40" } });
    let ok = 0;
    let last = 0;
    for (let i = 1; i <= 400 && last !== 507; i++) {
      last = (await c.post(releaseBody(installId(i)))).status;
      if (last === 200) ok++;
    }
    expect(last).toBe(507);
    expect(ok).toBeGreaterThan(0);
    expect(rowCount(c.db)).toBe(ok);
    expect(c.log()).toContain("answering 507");
    expect(await c.stop()).toBe(0);
  });

  test("a read-only database file: 503, and the report still reads it", async () => {
    // The file is read-only, its folder is not: WAL readers need to make the -shm file beside it.
    const d = await dir();
    await chmod(d, 0o777);
    const db = join(d, "fleet.db");
    const seed = await startCollectorProcess(SOURCE, db);
    expect((await seed.post(releaseBody(installId(1)))).status).toBe(200);
    expect(await seed.stop()).toBe(0);
    await chmod(db, 0o444);
    const c = await startCollectorProcess(readOnlyRunner, db);
    running.push(c);
    const r = await c.post(releaseBody(installId(2)));
    expect(r).toEqual({ status: 503, json: { error: "the database is read-only", field: null } });
    const page = await fetch(`${c.url}/v1/report`);
    expect((await page.json()).heartbeats).toBe(1);
    expect(c.log()).toContain("answering 503");
    expect(rowCount(db)).toBe(1);
  });
});

describe("concurrency and shutdown", () => {
  test("20 concurrent senders, 25 heartbeats each: exactly 500 rows, 20 installs", async () => {
    const c = await collector();
    const statuses = await Promise.all(
      Array.from({ length: 20 }, async (_, sender) => {
        const got: number[] = [];
        for (let i = 0; i < 25; i++) got.push((await c.post(releaseBody(installId(sender + 1)))).status);
        return got;
      }),
    );
    expect(statuses.flat().filter((s) => s === 200)).toHaveLength(500);
    expect(rowCount(c.db)).toBe(500);
    const r = await report(c.db);
    expect([r.heartbeats, r.installs]).toEqual([500, 20]);
  });

  test("SIGTERM while 300 requests are in flight: every 200 is stored, and it exits 0", async () => {
    const c = await collector();
    const answered: string[] = [];
    const sends = Array.from({ length: 300 }, async (_, i) => {
      const id = installId(1000 + i);
      try {
        const r = await fetch(`${c.url}/v1/heartbeat`, { method: "POST", body: releaseBody(id) });
        if (r.status === 200) answered.push(id);
        if (answered.length === 50) c.proc.kill("SIGTERM");
      } catch {}
    });
    await Promise.all(sends);
    expect(await c.proc.exited).toBe(0);
    expect(answered.length).toBeGreaterThanOrEqual(50);
    const stored = new Set(bodies(c.db).map((b) => JSON.parse(b).anonymous_id));
    expect(answered.filter((id) => !stored.has(id))).toEqual([]);
    expect(c.log()).toContain("SIGTERM: stopping");
  });
});

describe("report", () => {
  test("groups by day, version, platform; sums codes and categories; the Docker section", async () => {
    const c = await collector();
    const send = async (n: number, overrides: Parameters<typeof releasePayload>[1]) =>
      expect((await c.post(releaseBody(installId(n), overrides))).status).toBe(200);
    const flags = releasePayload(installId(0)).feature_flags;
    await send(1, { diagnostics: { error_code_counts_24h: { MCPX_DOCKER_CLI_NOT_FOUND: 3 } } });
    await send(1, {
      version: "v0.2.0",
      current_version: "v0.2.0",
      error_category_counts: { docker_run_failed: 2 },
    });
    await send(2, {
      os: "darwin",
      arch: "arm64",
      feature_flags: { ...flags, docker_isolation_enabled: true, docker_cli_source: "login_shell" },
    });
    await send(3, {
      feature_flags: { ...flags, docker_available: false, docker_cli_source: "absent" },
      diagnostics: { error_code_counts_24h: { MCPX_DOCKER_CLI_NOT_FOUND: 1, MCPX_DOCKER_OCI_RUNTIME: 4 } },
    });
    expect((await c.post('{"event":"telemetry_disabled","anonymous_id":""}')).status).toBe(200);
    const r = await report(c.db, ["--since", "7d"]);
    const today = new Date().toISOString().slice(0, 10);
    expect(r).toMatchObject({
      since: "7d",
      heartbeats: 4,
      installs: 3,
      installs_per_day: [{ day: today, installs: 3, heartbeats: 4 }],
      versions: [
        { version: "v0.1.0", installs: 2 },
        { version: "v0.2.0", installs: 1 },
      ],
      platforms: [
        { os: "linux", arch: "amd64", installs: 2 },
        { os: "darwin", arch: "arm64", installs: 1 },
      ],
      opt_outs: { total: 1, per_day: [{ day: today, count: 1 }] },
      error_codes: [
        { code: "MCPX_DOCKER_CLI_NOT_FOUND", count: 4, installs: 2 },
        { code: "MCPX_DOCKER_OCI_RUNTIME", count: 4, installs: 1 },
      ],
      error_categories: [{ category: "docker_run_failed", count: 2, installs: 1 }],
      docker: {
        installs: 3,
        isolation_enabled: 1,
        available: 2,
        cli_source: { path: 1, bundled: 0, login_shell: 1, absent: 1 },
        codes: [
          { code: "MCPX_DOCKER_CLI_NOT_FOUND", count: 4, installs: 2 },
          { code: "MCPX_DOCKER_EXEC_NOT_FOUND", count: 0, installs: 0 },
          { code: "MCPX_DOCKER_OCI_RUNTIME", count: 4, installs: 1 },
        ],
      },
    });
    const served = await (await fetch(`${c.url}/v1/report?since=7d`)).json();
    expect(served).toEqual(r);
    const table = await run(SOURCE, ["collector", "report", "--db", c.db], { env: cleanEnv("/tmp") });
    expect(table.code).toBe(0);
    expect(table.stdout).toContain("3 installs, 4 heartbeats, 1 opt-outs");
    expect(table.stdout).toMatch(/docker_cli_source=login_shell +1 +33\.3%/);
    expect(table.stdout).toMatch(/MCPX_DOCKER_OCI_RUNTIME +4 +1/);
  });
});

describe("other runtimes", () => {
  test("the compiled binary and Deno each run the collector and its report", async () => {
    for (const runner of [COMPILED, DENO]) {
      const c = await collector({}, runner);
      expect((await c.post(releaseBody(installId(7)))).status).toBe(200);
      const r = await run(runner, ["collector", "report", "--db", c.db, "--json"], { env: cleanEnv("/tmp") });
      expect([r.code, JSON.parse(r.stdout).heartbeats]).toEqual([0, 1]);
      expect(await c.stop()).toBe(0);
    }
  }, 60_000);
});
