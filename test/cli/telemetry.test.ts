// The telemetry commands end to end: from source and compiled, in a temp HOME, env built from nothing.
import { beforeAll, describe, expect, test } from "bun:test";
import { existsSync } from "node:fs";
import {
  chmod,
  chown,
  lstat,
  mkdir,
  readdir,
  readFile,
  stat,
  symlink,
  utimes,
  writeFile,
} from "node:fs/promises";
import { join } from "node:path";
import { applyEvents } from "../../src/core/counters.ts";
import { payloadProblem } from "../../src/core/payload.ts";
import { updateCounts } from "../../src/io/counter-store.ts";
import { platformNames } from "../../src/runtime.ts";
import {
  asNobody,
  COMPILED,
  cleanEnv,
  ensureBinary,
  FIXTURES,
  IS_ROOT,
  nobodyCanRun,
  nobodyRunner,
  type Runner,
  run,
  SOURCE,
  tempDir,
} from "../support/cli.ts";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const STATUS_KEYS = [
  "enabled",
  "env_override",
  "env_override_name",
  "disabled_by",
  "anonymous_id",
  "anonymous_id_created_at",
  "endpoint",
  "config_path",
];

async function home() {
  const dir = await tempDir();
  return { dir, data: join(dir, ".mcpproxy"), config: join(dir, ".mcpproxy", "mcp_config.json") };
}

async function writeConfig(path: string, text: string) {
  await mkdir(join(path, ".."), { recursive: true });
  await writeFile(path, text);
}

beforeAll(ensureBinary, 120_000);
await ensureBinary();
// Permission tests run as `nobody`; where it cannot reach the checkout they are skipped, by name.
// As nobody: the compiled binary always runs from a world-readable copy; the source only where nobody reaches it.
const nobodyRunners: Record<string, Runner | null> = {
  source: (await nobodyCanRun(SOURCE)) ? asNobody(SOURCE) : null,
  compiled: IS_ROOT ? await nobodyRunner() : null,
};

describe.each([SOURCE, COMPILED])("telemetry ($name)", (runner: Runner) => {
  const cli = (args: string[], env: Record<string, string>, stdin?: string) =>
    run(runner, args, { env, stdin });

  test("status on a fresh install: on, no id yet, nothing written", async () => {
    const h = await home();
    const r = await cli(["telemetry", "status", "--json"], cleanEnv(h.dir));
    expect([r.code, r.stderr]).toEqual([0, ""]);
    const status = JSON.parse(r.stdout);
    expect(Object.keys(status)).toEqual(expect.arrayContaining(STATUS_KEYS));
    expect(status).toMatchObject({
      enabled: true,
      env_override: false,
      env_override_name: "",
      disabled_by: "",
      anonymous_id: "",
      endpoint: "https://telemetry.mcpproxy.app/v1",
      config_path: h.config,
    });
    expect(existsSync(h.data)).toBe(false);
  });

  test.each([
    [{ DO_NOT_TRACK: "1" }, "DO_NOT_TRACK"],
    [{ DO_NOT_TRACK: " yes ", CI: "true" }, "DO_NOT_TRACK"],
    [{ CI: " TRUE " }, "CI"],
    [{ CI: "1", MCPPROXY_TELEMETRY: "false" }, "CI"],
    [{ MCPPROXY_TELEMETRY: "OFF" }, "MCPPROXY_TELEMETRY=false"],
  ])("status names the env override %j", async (env, name) => {
    const h = await home();
    const r = await cli(["telemetry", "status", "-o", "json"], cleanEnv(h.dir, env));
    expect([r.code, r.stderr]).toEqual([0, ""]);
    expect(JSON.parse(r.stdout)).toMatchObject({
      enabled: false,
      env_override: true,
      env_override_name: name,
      disabled_by: "env",
    });
  });

  test.each([
    [{ CI: "false" }],
    [{ DO_NOT_TRACK: "0" }],
    [{ DO_NOT_TRACK: "" }],
    [{ MCPPROXY_TELEMETRY: "true" }],
  ])("status stays on with %j", async (env) => {
    const h = await home();
    const r = await cli(["telemetry", "status", "--json"], cleanEnv(h.dir, env));
    expect(JSON.parse(r.stdout)).toMatchObject({ enabled: true, env_override: false, env_override_name: "" });
  });

  test("status table is for people: no JSON, says on", async () => {
    const h = await home();
    const r = await cli(["telemetry", "status"], cleanEnv(h.dir));
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("Telemetry");
    expect(r.stdout).toMatch(/Telemetry\s+on/);
    expect(r.stdout).not.toContain("\u001b[");
  });

  test("show-payload creates one id, persists it 0600 in a 0700 folder, and reuses it", async () => {
    const h = await home();
    const first = await cli(["telemetry", "show-payload"], cleanEnv(h.dir));
    expect([first.code, first.stderr]).toEqual([0, ""]);
    const payload = JSON.parse(first.stdout);
    expect(payloadProblem(payload)).toBe("");
    expect(payload.anonymous_id).toMatch(UUID);
    expect(payload.schema_version).toBe(5);
    expect(payload.version).toBe(
      runner === SOURCE ? "dev" : `v${(await import("../../package.json")).version}`,
    );
    const saved = JSON.parse(await readFile(h.config, "utf8"));
    expect(saved.telemetry).toEqual({
      anonymous_id: payload.anonymous_id,
      anonymous_id_created_at: payload.anonymous_id_created_at,
    });
    expect((await stat(h.config)).mode & 0o777).toBe(0o600);
    expect((await stat(h.data)).mode & 0o777).toBe(0o700);
    const second = JSON.parse((await cli(["telemetry", "show-payload"], cleanEnv(h.dir))).stdout);
    expect(second.anonymous_id).toBe(payload.anonymous_id);
  });

  test("show-payload carries the stored counters, by their fixed keys only", async () => {
    const h = await home();
    const now = new Date();
    await updateCounts(h.data, (c) =>
      applyEvents(
        c,
        [
          { kind: "surface_request", surface: "tray" },
          { kind: "builtin_tool_call", tool: "retrieve_tools" },
          { kind: "builtin_tool_call", tool: "/home/alice/secret_tool" },
          { kind: "upstream_tool_calls", count: 42 },
          { kind: "rest_call", route: "GET /api/v1/status", status: 200 },
          { kind: "error_category", category: "docker_pull_failed" },
          { kind: "doctor_check", name: "docker_cli", passed: false },
          { kind: "diagnostic_code", code: "MCPX_DOCKER_CLI_NOT_FOUND" },
        ],
        now,
      ),
    );
    const r = await cli(["telemetry", "show-payload"], cleanEnv(h.dir));
    expect([r.code, r.stderr]).toEqual([0, ""]);
    const payload = JSON.parse(r.stdout);
    expect(payloadProblem(payload)).toBe("");
    expect(payload).toMatchObject({
      surface_requests: { mcp: 0, cli: 0, webui: 0, tray: 1, unknown: 0 },
      builtin_tool_calls: { retrieve_tools: 1 },
      upstream_tool_call_count_bucket: "11-100",
      rest_endpoint_calls: { "GET /api/v1/status": { "2xx": 1 } },
      error_category_counts: { docker_pull_failed: 1 },
      doctor_checks: { docker_cli: { pass: 0, fail: 1 } },
      diagnostics: { error_code_counts_24h: { MCPX_DOCKER_CLI_NOT_FOUND: 1 } },
    });
    expect(r.stdout).not.toContain("alice");
  });

  test("show-payload spawns nothing: neither the login shell nor a docker it finds", async () => {
    const h = await home();
    const bin = join(h.dir, "bin");
    const marker = join(h.dir, "spawned");
    await mkdir(bin);
    for (const name of ["docker", "fake-shell"]) {
      await writeFile(join(bin, name), `#!/bin/sh\necho "$0" >> ${marker}\n`, { mode: 0o755 });
    }
    const env = cleanEnv(h.dir, { PATH: `${bin}:/usr/bin:/bin`, SHELL: join(bin, "fake-shell") });
    const r = await cli(["telemetry", "show-payload"], env);
    expect([r.code, r.stderr]).toEqual([0, ""]);
    expect(JSON.parse(r.stdout).feature_flags.docker_cli_source).toBe("path");
    const empty = cleanEnv(h.dir, {
      PATH: "/nonexistent",
      SHELL: join(bin, "fake-shell"),
      MCPPROXY_DOCKER_CANDIDATES: "/nonexistent/docker",
    });
    const absent = await cli(["telemetry", "show-payload"], empty);
    expect(JSON.parse(absent.stdout).feature_flags.docker_cli_source).toBe("absent");
    expect(existsSync(marker)).toBe(false);
  });

  test("show-payload while off: empty id, nothing written, still valid JSON", async () => {
    const h = await home();
    const r = await cli(["telemetry", "show-payload"], cleanEnv(h.dir, { DO_NOT_TRACK: "1" }));
    expect([r.code, r.stderr]).toEqual([0, ""]);
    const payload = JSON.parse(r.stdout);
    expect([payload.anonymous_id, payload.anonymous_id_created_at]).toEqual(["", ""]);
    expect(payloadProblem(payload)).toBe("");
    expect(existsSync(h.data)).toBe(false);
  });

  test("show-payload off by config keeps the stored id out of the payload and the file unchanged", async () => {
    const h = await home();
    const text = `{"telemetry": {"enabled": false, "anonymous_id": "0b0e2c1a-4a53-4b8e-9d57-1f5d6a8c3e21"}}`;
    await writeConfig(h.config, text);
    const r = await cli(["telemetry", "show-payload"], cleanEnv(h.dir));
    expect(JSON.parse(r.stdout).anonymous_id).toBe("");
    expect(await readFile(h.config, "utf8")).toBe(text);
  });

  test.each([
    "e2e-config.json",
    "linux-packaging-example.json",
    "playwright-test-config.json",
    "quarantine-test-config.json",
  ])("disable keeps every other key of %s, in order", async (fixture) => {
    const h = await home();
    const before = await readFile(join(FIXTURES, fixture), "utf8");
    await writeConfig(h.config, before);
    await chmod(h.config, 0o640);
    const r = await cli(["telemetry", "disable"], cleanEnv(h.dir));
    expect([r.code, r.stderr]).toEqual([0, ""]);
    const after = JSON.parse(await readFile(h.config, "utf8"));
    expect(after.telemetry.enabled).toBe(false);
    delete after.telemetry.enabled;
    const old = JSON.parse(before);
    if (!old.telemetry && Object.keys(after.telemetry).length === 0) delete after.telemetry;
    expect(JSON.stringify(after)).toBe(JSON.stringify(old));
    expect((await readFile(h.config, "utf8")).endsWith("}\n")).toBe(true);
    expect((await stat(h.config)).mode & 0o777).toBe(0o640);
    const status = JSON.parse((await cli(["telemetry", "status", "--json"], cleanEnv(h.dir))).stdout);
    expect(status).toMatchObject({ enabled: false, disabled_by: "config", env_override: false });
  });

  test("enable while DO_NOT_TRACK is set: saved, exit 0, warning on stderr only", async () => {
    const h = await home();
    await writeConfig(h.config, `{"telemetry": {"enabled": false}}\n`);
    const r = await cli(["telemetry", "enable", "--json"], cleanEnv(h.dir, { DO_NOT_TRACK: "1" }));
    expect(r.code).toBe(0);
    expect(r.stderr).toContain("DO_NOT_TRACK");
    expect(JSON.parse(r.stdout)).toMatchObject({ enabled: false, env_override_name: "DO_NOT_TRACK" });
    expect(JSON.parse(await readFile(h.config, "utf8"))).toEqual({ telemetry: { enabled: true } });
  });

  test("disable when already disabled leaves the file byte for byte", async () => {
    const h = await home();
    const text = `{ "telemetry": { "enabled": false }, "x": 1.0 }`;
    await writeConfig(h.config, text);
    const r = await cli(["telemetry", "disable"], cleanEnv(h.dir));
    expect(r.code).toBe(0);
    expect(await readFile(h.config, "utf8")).toBe(text);
  });

  const broken: Array<[string, string, RegExp]> = [
    ["truncated", `{"telemetry": {"enabled": true`, /:1:\d+: invalid JSON/],
    ["trailing comma", `{\n  "a": 1,\n}\n`, /:2:9: invalid JSON: trailing comma/],
    ["BOM", `\uFEFF{"a": 1}`, /:1:1: invalid JSON: the file starts with a byte order mark/],
    ["empty file", "", /:1:1: invalid JSON: the file is empty/],
    ["not an object", `[1, 2]`, /must hold a JSON object, got a list/],
    [
      "enabled is a string",
      `{"telemetry": {"enabled": "yes"}}`,
      /telemetry\.enabled must be a boolean, got "yes"/,
    ],
    ["mcpServers is an object", `{"mcpServers": {}}`, /mcpServers must be a list, got an object/],
    ["telemetry is a list", `{"telemetry": [1, 2]}`, /telemetry must be an object, got a list/],
    ["a server is a list", `{"mcpServers": [[]]}`, /mcpServers\[0\] must be an object, got a list/],
    ["nested past any stack", `${"[".repeat(200_000)}`, /:1:\d+: invalid JSON/],
  ];
  test.each(broken)(
    "a config with %s: exit 4, one clear line, file untouched",
    async (_name, text, message) => {
      const h = await home();
      await writeConfig(h.config, text);
      for (const args of [
        ["telemetry", "status"],
        ["telemetry", "show-payload"],
        ["telemetry", "disable"],
        ["telemetry", "enable"],
      ]) {
        const r = await cli(args, cleanEnv(h.dir));
        expect(r.code).toBe(4);
        expect(r.stdout).toBe("");
        const lines = r.stderr.trim().split("\n");
        expect(lines[0]).toContain(h.config);
        expect(lines[0]).toMatch(message);
        expect(lines.length).toBeLessThanOrEqual(2);
        expect(r.stderr).not.toMatch(/\n\s+at /);
        expect(await readFile(h.config, "utf8")).toBe(text);
        expect((await readdir(h.data)).sort()).toEqual(["mcp_config.json"]);
      }
    },
  );

  test("odd but legal values: null servers, a date in another zone, a hand-edited version", async () => {
    const h = await home();
    await writeConfig(
      h.config,
      JSON.stringify({
        mcpServers: [null, { name: "a", protocol: "stdio" }],
        telemetry: {
          anonymous_id: "0b0e2c1a-4a53-4b8e-9d57-1f5d6a8c3e21",
          anonymous_id_created_at: "2026-11-19t17:30:00+05:30",
          last_reported_version: "alice@laptop /Users/alice ghp_secret",
        },
      }),
    );
    const r = await cli(["telemetry", "show-payload"], cleanEnv(h.dir));
    expect([r.code, r.stderr]).toEqual([0, ""]);
    const payload = JSON.parse(r.stdout);
    expect(payload).toMatchObject({
      server_count: 1,
      anonymous_id_created_at: "2026-11-19T12:00:00Z",
      previous_version: "",
      server_protocol_counts: { stdio: 1, http: 0, sse: 0, streamable_http: 0, auto: 0 },
    });
    expect(r.stdout).not.toContain("alice");
  });

  test("a dangling symlink as config: the write lands at its target, the link stays", async () => {
    const h = await home();
    await mkdir(h.data, { recursive: true });
    const target = join(h.dir, "dotfiles", "mcp_config.json");
    await mkdir(join(h.dir, "dotfiles"));
    await symlink(target, h.config);
    const r = await cli(["telemetry", "disable"], cleanEnv(h.dir));
    expect([r.code, r.stderr]).toEqual([0, ""]);
    expect((await lstat(h.config)).isSymbolicLink()).toBe(true);
    expect(JSON.parse(await readFile(target, "utf8"))).toEqual({ telemetry: { enabled: false } });
  });

  test("a counter store that cannot be read: show-payload still prints, and says why", async () => {
    const h = await home();
    await mkdir(join(h.data, "telemetry-counters.json"), { recursive: true });
    const r = await cli(["telemetry", "show-payload"], cleanEnv(h.dir, { DO_NOT_TRACK: "1" }));
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).surface_requests).toEqual({ mcp: 0, cli: 0, webui: 0, tray: 0, unknown: 0 });
    expect(r.stderr).toContain("showing the payload without counters");
  });

  test("no HOME and no --data-dir: exit 1 with what to do; MCPPROXY_DATA_DIR is enough", async () => {
    const h = await home();
    const bare = { PATH: "/usr/bin:/bin" };
    const r = await run(runner, ["telemetry", "status"], { env: bare });
    expect([r.code, r.stdout]).toEqual([1, ""]);
    expect(r.stderr).toContain("HOME is not set");
    const ok = await run(runner, ["telemetry", "status", "--json"], {
      env: { ...bare, MCPPROXY_DATA_DIR: h.data },
    });
    expect(JSON.parse(ok.stdout).config_path).toBe(h.config);
  });

  test("null means default everywhere, and a write keeps the other nulls", async () => {
    const h = await home();
    await writeConfig(h.config, `{"telemetry": null, "mcpServers": null, "quarantine_enabled": null}`);
    const shown = JSON.parse((await cli(["telemetry", "show-payload"], cleanEnv(h.dir, { CI: "1" }))).stdout);
    expect([shown.server_count, shown.quarantine_enabled]).toEqual([0, true]);
    expect((await cli(["telemetry", "disable"], cleanEnv(h.dir))).code).toBe(0);
    expect(JSON.parse(await readFile(h.config, "utf8"))).toEqual({
      telemetry: { enabled: false },
      mcpServers: null,
      quarantine_enabled: null,
    });
  });

  test("--config pointing at a folder: exit 4", async () => {
    const h = await home();
    const r = await cli(["telemetry", "status", "--config", h.dir], cleanEnv(h.dir));
    expect(r.code).toBe(4);
    expect(r.stderr).toContain(`${h.dir} is a folder`);
  });

  test("--config and MCPPROXY_CONFIG choose the file; the flag wins", async () => {
    const h = await home();
    const a = join(h.dir, "a.json");
    const b = join(h.dir, "b.json");
    await cli(["telemetry", "disable"], cleanEnv(h.dir, { MCPPROXY_CONFIG: a }));
    await cli(["--config", b, "telemetry", "disable"], cleanEnv(h.dir, { MCPPROXY_CONFIG: a }));
    expect(JSON.parse(await readFile(a, "utf8"))).toEqual({ telemetry: { enabled: false } });
    expect(JSON.parse(await readFile(b, "utf8"))).toEqual({ telemetry: { enabled: false } });
    const r = await cli(
      ["telemetry", "status", "--json", "--data-dir", join(h.dir, "d")],
      cleanEnv(h.dir, { MCPPROXY_DATA_DIR: "/nonexistent" }),
    );
    expect(JSON.parse(r.stdout).config_path).toBe(join(h.dir, "d", "mcp_config.json"));
  });

  test.each([
    [["telemetry", "status", "--json"]],
    [["--json", "telemetry", "status"]],
    [["telemetry", "status", "-o", "json"]],
    [["telemetry", "status", "-o=json", "--no-color"]],
    [["telemetry", "status", "--output", "json", "--json=true"]],
    [["telemetry", "status", "-o", "JSON"]],
    [["--config=CFG", "telemetry", "status", "--json"]],
    [["telemetry", "--config", "CFG", "status", "--verbose", "--json"]],
  ])("flags in any place and form: %j", async (args) => {
    const h = await home();
    const r = await cli(
      args.map((a) => a.replace("CFG", h.config)),
      cleanEnv(h.dir),
    );
    expect([r.code, r.stderr]).toEqual([0, ""]);
    expect(JSON.parse(r.stdout).config_path).toBe(h.config);
  });

  test("--json=false and --no-json give the table", async () => {
    const h = await home();
    for (const flag of ["--json=false", "--no-json"]) {
      const r = await cli(["telemetry", "status", flag], cleanEnv(h.dir));
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/^Telemetry\s+on/);
    }
  });

  test.each([
    [["telemetry", "nope"], /unknown command "nope"/],
    [["nope"], /unknown command "nope"/],
    [["telemetry", "status", "--bogus"], /unknown flag "--bogus"/],
    [["telemetry", "status", "-o", "yaml"], /unknown value "yaml" for -o\n {2}hint: use one of: json, table/],
    [["telemetry", "schema", "-o", "yaml"], /unknown value "yaml" for -o/],
    [["telemetry", "status", "--json", "-o", "table"], /--json and -o table ask for different output/],
    [["telemetry", "status", "--output=table", "--json"], /--json and -o table ask for different output/],
    [["telemetry", "status", "--json=no"], /--json takes no value, got "no"/],
    [["telemetry", "status", "--verbose=1"], /--verbose takes no value, got "1"/],
    [["telemetry", "status", "extra"], /unexpected argument "extra"/],
    [["telemetry", "status", "--config"], /needs a value/],
    [["telemetry", "status", "--no-config"], /unknown flag "--no-config"/],
    [["telemetry", "status", "-x"], /unknown flag "-x"/],
    [["telemetry", "status", "--config", ""], /--config needs a path/],
    [["telemetry"], /missing command/],
  ])("usage error %j: exit 1 with a hint, nothing on stdout", async (args, message) => {
    const h = await home();
    const r = await cli(args, cleanEnv(h.dir));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).toContain("hint:");
    expect(r.stderr).not.toContain("\u001b[");
    if (args.length > 1) expect(r.stdout).toBe("");
  });

  test("a stale lock from a killed process does not block the next command", async () => {
    const h = await home();
    await writeConfig(h.config, "{}\n");
    const dead = Bun.spawn(["true"]);
    await dead.exited;
    const { hostname } = await import("node:os");
    await writeFile(`${h.config}.lock`, JSON.stringify({ pid: dead.pid, host: hostname(), token: "x" }));
    const r = await cli(["telemetry", "disable"], cleanEnv(h.dir));
    expect([r.code, r.stderr]).toEqual([0, ""]);
    expect(JSON.parse(await readFile(h.config, "utf8"))).toEqual({ telemetry: { enabled: false } });
    expect(await readdir(h.data)).toEqual(["mcp_config.json"]);
  });

  test("an old unreadable lock file is recovered too", async () => {
    const h = await home();
    await writeConfig(h.config, "{}\n");
    await writeFile(`${h.config}.lock`, "garbage");
    const old = new Date(Date.now() - 60_000);
    await utimes(`${h.config}.lock`, old, old);
    const r = await cli(["telemetry", "enable"], cleanEnv(h.dir));
    expect(r.code).toBe(0);
    expect(JSON.parse(await readFile(h.config, "utf8"))).toEqual({ telemetry: { enabled: true } });
  });

  test("twenty processes at once on a fresh config print one id and leave a valid file", async () => {
    const h = await home();
    const results = await Promise.all(
      Array.from({ length: 20 }, () => cli(["telemetry", "show-payload"], cleanEnv(h.dir))),
    );
    expect(results.map((r) => r.code)).toEqual(Array(20).fill(0));
    const ids = new Set(results.map((r) => JSON.parse(r.stdout).anonymous_id));
    expect(ids.size).toBe(1);
    const saved = JSON.parse(await readFile(h.config, "utf8"));
    expect(ids.has(saved.telemetry.anonymous_id)).toBe(true);
    expect((await readdir(h.data)).sort()).toEqual(["mcp_config.json"]);
  });

  test("schema prints a JSON Schema that describes every payload key", async () => {
    const h = await home();
    const [schema, payload] = await Promise.all([
      cli(["telemetry", "schema"], cleanEnv(h.dir)),
      cli(["telemetry", "show-payload"], cleanEnv(h.dir, { DO_NOT_TRACK: "1" })),
    ]);
    const json = JSON.parse(schema.stdout);
    expect(json.type).toBe("object");
    expect(json.additionalProperties).toBe(false);
    for (const key of Object.keys(JSON.parse(payload.stdout)))
      expect(Object.keys(json.properties)).toContain(key);
  });

  test("version and --help", async () => {
    const h = await home();
    const version = await cli(["version", "--json"], cleanEnv(h.dir));
    expect(JSON.parse(version.stdout)).toMatchObject({
      os: platformNames(process.platform, process.arch).os,
      arch: platformNames(process.platform, process.arch).arch,
      runtime: expect.stringMatching(/^bun /),
    });
    const help = await cli(["telemetry", "--help"], cleanEnv(h.dir));
    expect([help.code, help.stderr]).toEqual([0, ""]);
    expect(help.stdout).toContain("show-payload");
    expect(help.stdout).not.toContain("\u001b[");
  });

  const permissions = process.platform !== "win32" && nobodyRunners[runner.name] != null;
  describe.if(permissions)("permissions (as nobody)", () => {
    const nobody = nobodyRunners[runner.name] as Runner;
    const nobodyCli = (args: string[], env: Record<string, string>) => run(nobody, args, { env });

    test("a config without read permission: exit 4, named, untouched", async () => {
      const h = await home();
      await writeConfig(h.config, `{"telemetry": {"enabled": true}}`);
      await chmod(h.config, 0o000);
      if (IS_ROOT) await chown(h.dir, 65534, 65534);
      if (IS_ROOT) await chown(h.data, 65534, 65534);
      const r = await nobodyCli(["telemetry", "status"], cleanEnv(h.dir));
      expect(r.code).toBe(4);
      expect(r.stderr).toContain(`cannot read ${h.config}: permission denied`);
      await chmod(h.config, 0o600);
      expect(await readFile(h.config, "utf8")).toBe(`{"telemetry": {"enabled": true}}`);
    });

    test("a data dir that cannot be written: exit 1, clear line; show-payload still prints", async () => {
      const h = await home();
      await chmod(h.dir, 0o555);
      const r = await nobodyCli(["telemetry", "disable"], cleanEnv(h.dir));
      expect(r.code).toBe(1);
      expect(r.stderr.split("\n")[0]).toMatch(/cannot write .*: permission denied/);
      const shown = await nobodyCli(["telemetry", "show-payload"], cleanEnv(h.dir));
      expect(shown.code).toBe(0);
      expect(JSON.parse(shown.stdout).anonymous_id).toBe("");
      expect(shown.stderr).toContain("could not save the anonymous id");
    });
  });
});
