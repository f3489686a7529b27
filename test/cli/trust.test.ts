// Trust features end to end: the ledger (`log`, `--show`, `diff`, `show-payload --sha256`), the system policy
// and `status --explain`, on the compiled binary (a release, so it sends) against a loopback collector.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createHash } from "node:crypto";
import { mkdir, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
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
const LEDGER = "telemetry-ledger.json";
const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");
const cli = (args: string[], env: Record<string, string>) => run(COMPILED, args, { env });

function collector(...args: Parameters<typeof startCollector>) {
  const c = startCollector(...args);
  collectors.push(c);
  return c;
}

async function home(config: Record<string, unknown> = {}) {
  const dir = await tempDir("mcpx-trust-");
  roots.push(dir);
  const data = join(dir, ".mcpproxy");
  await mkdir(data, { recursive: true });
  const path = join(data, "mcp_config.json");
  await writeFile(path, `${JSON.stringify(config, null, 2)}\n`);
  return { dir, data, config: path };
}

describe("the ledger of what was sent", () => {
  test("each send is recorded; the recorded hash is the hash of what the collector received", async () => {
    const c = collector((_, i) => new Response("{}", { status: i === 1 ? 500 : 200 }));
    const h = await home({ telemetry: { endpoint: c.url, notice_shown: true } });
    const env = cleanEnv(h.dir);
    expect((await cli(["telemetry", "send"], env)).code).toBe(0);
    const log = JSON.parse((await cli(["telemetry", "log", "--json"], env)).stdout);
    expect(log).toHaveLength(1);
    const received = c.received[0]?.body ?? "";
    expect(log[0]).toMatchObject({
      seq: 1,
      kind: "heartbeat",
      url: `${c.url}/heartbeat`,
      accepted: true,
      outcome: "HTTP 200",
      sha256: sha256(received),
      bytes: new TextEncoder().encode(received).length,
    });
    const shown = await cli(["telemetry", "log", "--show", "1"], env);
    expect(shown.stdout).toBe(received);
    expect(sha256(shown.stdout)).toBe(log[0].sha256);
    const table = await cli(["telemetry", "log"], env);
    expect(table.stdout).toMatch(/#1\s+\S+\s+heartbeat\s+HTTP 200/);
  });

  test("show-payload --sha256 is the hash of the body show-payload prints (the one serializer)", async () => {
    const h = await home({
      telemetry: { anonymous_id: ID, anonymous_id_created_at: "2026-11-01T00:00:00Z" },
    });
    const env = cleanEnv(h.dir);
    // The body holds the time to the second: try until both runs fall in the same second.
    let matched = false;
    for (let i = 0; i < 5 && !matched; i++) {
      const body = (await cli(["telemetry", "show-payload"], env)).stdout;
      const hash = (await cli(["telemetry", "show-payload", "--sha256"], env)).stdout;
      expect(hash).toMatch(/^[0-9a-f]{64}\n$/);
      matched = hash === `${sha256(body)}\n`;
    }
    expect(matched).toBe(true);
  });

  test("the opt-out beacon is recorded too", async () => {
    const c = collector();
    const h = await home({ telemetry: { endpoint: c.url, anonymous_id: ID, notice_shown: true } });
    const env = cleanEnv(h.dir);
    await cli(["telemetry", "disable"], env);
    const log = JSON.parse((await cli(["telemetry", "log", "--json"], env)).stdout);
    expect(log).toMatchObject([{ seq: 1, kind: "beacon", accepted: true }]);
    expect((await cli(["telemetry", "log", "--show", "1"], env)).stdout).toBe(
      JSON.stringify({ event: "telemetry_disabled", anonymous_id: ID }),
    );
  });

  test("a failed send is recorded as not accepted, with the failure", async () => {
    const c = collector(() => new Response("no", { status: 503 }));
    const h = await home({ telemetry: { endpoint: c.url, notice_shown: true } });
    const env = cleanEnv(h.dir);
    expect((await cli(["telemetry", "send"], env)).code).toBe(1);
    const log = JSON.parse((await cli(["telemetry", "log", "--json"], env)).stdout);
    expect(log).toMatchObject([{ accepted: false, outcome: "HTTP 503" }]);
  }, 30_000);

  test("at most 30 entries are kept, the oldest dropped first, numbers never reused", async () => {
    const c = collector();
    const h = await home({ telemetry: { endpoint: c.url, notice_shown: true } });
    const env = cleanEnv(h.dir);
    for (let i = 0; i < 33; i++) expect((await cli(["telemetry", "send"], env)).code).toBe(0);
    const log = JSON.parse((await cli(["telemetry", "log", "--json"], env)).stdout);
    expect(log.map((e: { seq: number }) => e.seq)).toEqual(Array.from({ length: 30 }, (_, i) => i + 4));
    expect((await readFile(join(h.data, LEDGER))).length).toBeLessThanOrEqual(256 * 1024);
    const gone = await cli(["telemetry", "log", "--show", "2"], env);
    expect([gone.code, gone.stdout]).toEqual([1, ""]);
    expect(gone.stderr).toStartWith("mcpproxy: no entry #2 in the ledger: it holds #4 to #33\n");
  }, 60_000);

  test("a broken ledger is reported, set aside, and a new one begun; the send still succeeds", async () => {
    const c = collector();
    const h = await home({ telemetry: { endpoint: c.url, notice_shown: true } });
    const env = cleanEnv(h.dir);
    await writeFile(join(h.data, LEDGER), '{"entries": [{"seq": 1, "trunc');
    const listed = await cli(["telemetry", "log"], env);
    expect(listed.code).toBe(0);
    expect(listed.stderr).toContain("is broken");
    const sent = await cli(["telemetry", "send"], env);
    expect(sent.code).toBe(0);
    expect(sent.stderr).toContain("set aside");
    const aside = (await readdir(h.data)).filter((f) => f.startsWith(`${LEDGER}.corrupt-`));
    expect(aside).toHaveLength(1);
    expect(await readFile(join(h.data, aside[0] ?? ""), "utf8")).toBe('{"entries": [{"seq": 1, "trunc');
    expect(JSON.parse((await cli(["telemetry", "log", "--json"], env)).stdout)).toHaveLength(1);
  });

  test.each([
    [["--show", "99"], "no entry #99 in the ledger: it is empty"],
    [["--show", "x"], '--show takes an entry number, got "x"'],
  ])("log %j: exit 1, one line", async (flags, message) => {
    const h = await home();
    const r = await cli(["telemetry", "log", ...flags], cleanEnv(h.dir));
    expect([r.code, r.stdout]).toEqual([1, ""]);
    expect(r.stderr).toStartWith(`mcpproxy: ${message}\n`);
  });
});

describe("telemetry diff", () => {
  test("shows what changed since the last accepted heartbeat, counters as deltas", async () => {
    const c = collector();
    const h = await home({ telemetry: { endpoint: c.url, notice_shown: true } });
    const env = cleanEnv(h.dir);
    await cli(["diagnose", "connection refused", "--record"], env);
    await cli(["telemetry", "send"], env);
    await cli(["diagnose", "connection refused", "--record"], env);
    await cli(["diagnose", "connection refused", "--record"], env);
    const r = await cli(["telemetry", "diff", "--json"], env);
    expect(r.code).toBe(0);
    const diff = JSON.parse(r.stdout);
    expect(diff.since.seq).toBe(1);
    expect(diff.changed).toContainEqual({
      path: "diagnostics.error_code_counts_24h.MCPX_HTTP_CONN_REFUSED",
      from: 1,
      to: 3,
      delta: 2,
    });
    expect(diff.changed).toContainEqual(
      expect.objectContaining({ path: "previous_version", from: "", to: "v0.1.0" }),
    );
    const human = await cli(["telemetry", "diff"], env);
    expect(human.stdout).toContain("~ diagnostics.error_code_counts_24h.MCPX_HTTP_CONN_REFUSED: 1 → 3 (+2)");
  });

  test("with nothing sent yet, everything is new", async () => {
    const h = await home();
    const r = await cli(["telemetry", "diff", "--json"], cleanEnv(h.dir, { DO_NOT_TRACK: "1" }));
    const diff = JSON.parse(r.stdout);
    expect(diff.since).toBeNull();
    expect(diff.added.map((a: { path: string }) => a.path)).toContain("schema_version");
  });
});

describe("the system policy", () => {
  async function withPolicy(text: string | null, config: Record<string, unknown> = {}) {
    const h = await home(config);
    const policy = join(h.dir, "policy.json");
    if (text !== null) await writeFile(policy, text);
    return { ...h, env: cleanEnv(h.dir, { MCPPROXY_POLICY_FILE: policy }), policy };
  }

  test('{"telemetry": "off"} wins over everything; enable refuses and writes nothing; nothing is sent', async () => {
    const c = collector();
    const h = await withPolicy('{"telemetry": "off"}', { telemetry: { endpoint: c.url, enabled: true } });
    const status = JSON.parse((await cli(["telemetry", "status", "--json"], h.env)).stdout);
    expect(status).toMatchObject({ enabled: false, disabled_by: "policy" });
    const before = await readFile(h.config, "utf8");
    const enable = await cli(["telemetry", "enable"], h.env);
    expect([enable.code, enable.stdout]).toEqual([1, ""]);
    expect(enable.stderr).toStartWith(
      `mcpproxy: telemetry stays off: turned off by the system policy ${h.policy}\n`,
    );
    expect(await readFile(h.config, "utf8")).toBe(before);
    const send = await cli(["telemetry", "send"], h.env);
    expect(send.code).toBe(0);
    expect(c.received).toEqual([]);
    expect(JSON.parse((await cli(["telemetry", "show-payload"], h.env)).stdout).anonymous_id).toBe("");
  });

  test.each([
    ["not JSON", "{telemetry: off", "it is not valid JSON"],
    ["an unknown value", '{"telemetry": "maybe"}', '"telemetry" must be "off" or "user"'],
    [
      "an unknown key",
      '{"telemetry": "user", "audit": true}',
      'it has a key this version does not know: "audit"',
    ],
    ["a list", '["off"]', 'it must be an object like {"telemetry": "off"}'],
  ])("a policy with %s is reported and counts as off (fail closed)", async (_, text, problem) => {
    const h = await withPolicy(text);
    const r = await cli(["telemetry", "status"], h.env);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(
      `the system policy ${h.policy} cannot be used (${problem}), so telemetry stays off`,
    );
  });

  test('{"telemetry": "user"} and no policy file leave the choice to the user', async () => {
    for (const h of [await withPolicy('{"telemetry": "user"}'), await withPolicy(null)]) {
      const status = JSON.parse((await cli(["telemetry", "status", "--json"], h.env)).stdout);
      expect(status).toMatchObject({ enabled: true, disabled_by: "" });
    }
  });

  test("a folder or FIFO where the policy should be counts as off, and nothing hangs", async () => {
    const h = await home();
    await mkdir(join(h.dir, "policy-dir"));
    Bun.spawnSync(["mkfifo", join(h.dir, "policy-fifo")]);
    for (const path of [join(h.dir, "policy-dir"), join(h.dir, "policy-fifo")]) {
      const r = await cli(["telemetry", "status", "--json"], cleanEnv(h.dir, { MCPPROXY_POLICY_FILE: path }));
      expect(JSON.parse(r.stdout)).toMatchObject({ enabled: false, disabled_by: "policy" });
    }
  });
});

describe("status --explain", () => {
  test.each([
    ["nothing set", {}, null, {}, "default (on)", true],
    ["policy over everything", { DO_NOT_TRACK: "1" }, '{"telemetry":"off"}', {}, "system policy", false],
    ["DO_NOT_TRACK over CI", { DO_NOT_TRACK: "1", CI: "true" }, null, {}, "DO_NOT_TRACK", false],
    ["CI over MCPPROXY_TELEMETRY", { CI: "1", MCPPROXY_TELEMETRY: "off" }, null, {}, "CI", false],
    [
      "MCPPROXY_TELEMETRY over config",
      { MCPPROXY_TELEMETRY: "no" },
      null,
      { enabled: false },
      "MCPPROXY_TELEMETRY",
      false,
    ],
    ["config", {}, '{"telemetry":"user"}', { enabled: false }, "config file", false],
  ])("%s", async (_, extra, policy, telemetry, decidedBy, enabled) => {
    const h = await home({ telemetry });
    const policyPath = join(h.dir, "policy.json");
    if (policy) await writeFile(policyPath, policy);
    const env = cleanEnv(h.dir, { MCPPROXY_POLICY_FILE: policyPath, ...extra });
    const r = await cli(["telemetry", "status", "--explain", "--json"], env);
    const view = JSON.parse(r.stdout);
    expect(view.decided_by).toBe(decidedBy);
    expect(view.enabled).toBe(enabled);
    expect(view.sources.map((s: { name: string }) => s.name)).toEqual([
      "system policy",
      "DO_NOT_TRACK",
      "CI",
      "MCPPROXY_TELEMETRY",
      "config file",
      "build",
      "first-run notice",
    ]);
    expect(
      view.sources.filter((s: { wins: boolean }) => s.wins).map((s: { name: string }) => s.name),
    ).toEqual(decidedBy === "default (on)" ? [] : [decidedBy]);
    const human = await cli(["telemetry", "status", "--explain"], env);
    expect(human.stdout).toContain(enabled ? "telemetry is on" : `telemetry is off: ${decidedBy} decides`);
  });

  test("from source the build is not a release: it wins when nothing else turned telemetry off", async () => {
    const h = await home();
    const r = await run(SOURCE, ["telemetry", "status", "--explain", "--json"], { env: cleanEnv(h.dir) });
    const view = JSON.parse(r.stdout);
    expect(view).toMatchObject({ enabled: true, sends: false, decided_by: "build" });
  });
});
