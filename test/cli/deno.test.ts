// The same src/ under Deno: status, show-payload, enable/disable on a temp config.
import { describe, expect, test } from "bun:test";
import { closeSync, constants, existsSync, openSync } from "node:fs";
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { payloadProblem } from "../../src/core/payload.ts";
import { gzipped } from "../support/archives.ts";
import { cleanEnv, DENO, run, runBounded, tempDir } from "../support/cli.ts";
import { makeHome, serve } from "../support/daemon.ts";

const denoDir = await tempDir("mcpproxy-deno-cache-");
const env = (home: string, extra: Record<string, string> = {}) =>
  cleanEnv(home, { DENO_DIR: denoDir, DENO_NO_UPDATE_CHECK: "1", NO_COLOR: "1", ...extra });

describe("deno smoke", () => {
  test("status, show-payload, disable, enable", async () => {
    const home = await tempDir();
    const config = join(home, ".mcpproxy", "mcp_config.json");
    const status = await run(DENO, ["telemetry", "status", "--json"], { env: env(home) });
    expect([status.code, status.stderr]).toEqual([0, ""]);
    expect(JSON.parse(status.stdout)).toMatchObject({ enabled: true, anonymous_id: "", config_path: config });

    const shown = await run(DENO, ["telemetry", "show-payload"], { env: env(home) });
    expect([shown.code, shown.stderr]).toEqual([0, ""]);
    const payload = JSON.parse(shown.stdout);
    expect(payloadProblem(payload)).toBe("");
    expect(payload.runtime_version).toMatch(/^deno \d/);
    expect(JSON.parse(await readFile(config, "utf8")).telemetry.anonymous_id).toBe(payload.anonymous_id);

    const off = await run(DENO, ["telemetry", "disable", "--json"], { env: env(home) });
    expect([off.code, off.stderr]).toEqual([0, ""]);
    expect(JSON.parse(off.stdout)).toMatchObject({ enabled: false, disabled_by: "config" });

    const on = await run(DENO, ["telemetry", "enable", "--json"], { env: env(home, { CI: "true" }) });
    expect(on.code).toBe(0);
    expect(on.stderr).toContain("CI");
    expect(JSON.parse(on.stdout)).toMatchObject({ enabled: false, env_override_name: "CI" });
    expect(JSON.parse(await readFile(config, "utf8")).telemetry.enabled).toBe(true);
  }, 60_000);

  test("diagnose: text, stdin and a log file", async () => {
    const home = await tempDir();
    const one = await run(
      DENO,
      ["diagnose", "--docker-isolated", "--json", "zsh:1: command not found: docker"],
      {
        env: env(home),
      },
    );
    expect([one.code, one.stderr]).toEqual([0, ""]);
    expect(JSON.parse(one.stdout).code).toBe("MCPX_DOCKER_CLI_NOT_FOUND");
    const piped = await run(DENO, ["diagnose", "-", "--transport", "stdio", "--json"], {
      env: env(home),
      stdin: "starting server\nError: spawn npx ENOENT\n",
    });
    expect(JSON.parse(piped.stdout).code).toBe("MCPX_STDIO_SPAWN_ENOENT");
    const log = join(home, "proxy.log");
    await Bun.write(
      log,
      "connect ECONNREFUSED 127.0.0.1:9\r\n\nall good\nx509: certificate signed by unknown authority",
    );
    const counted = await run(DENO, ["diagnose", "--file", log, "--json"], { env: env(home) });
    expect(JSON.parse(counted.stdout)).toEqual({
      lines: 3,
      classified: 2,
      unclassified: 1,
      truncated: 0,
      codes: { MCPX_HTTP_CONN_REFUSED: 1, MCPX_HTTP_TLS_FAILED: 1 },
    });
  }, 60_000);

  test("diagnose --file refuses a gzip log, by path and on stdin", async () => {
    const home = await tempDir();
    const log = join(home, "proxy.log.gz");
    const gzip = gzipped("connection refused\n");
    await Bun.write(log, gzip);
    const byPath = await run(DENO, ["diagnose", "--file", log], { env: env(home) });
    const onStdin = await run(DENO, ["diagnose", "--file", "-"], { env: env(home), stdin: gzip });
    const hint = "  hint: decompress it first: zcat";
    expect([byPath, onStdin]).toEqual([
      {
        code: 1,
        stdout: "",
        stderr: `mcpproxy: ${log} is gzip-compressed, not a text log\n${hint} ${log} | mcpproxy diagnose --file -\n`,
      },
      {
        code: 1,
        stdout: "",
        stderr: `mcpproxy: stdin is gzip-compressed, not a text log\n${hint} LOG.gz | mcpproxy diagnose --file -\n`,
      },
    ]);
  }, 60_000);

  test("a broken config is exit 4 under Deno too, file untouched", async () => {
    const home = await tempDir();
    const path = join(home, "broken.json");
    await Bun.write(path, `{"a": 1,}`);
    const r = await run(DENO, ["telemetry", "status", "--config", path], { env: env(home) });
    expect(r.code).toBe(4);
    expect(r.stderr).toContain(`${path}:1:8: invalid JSON: trailing comma`);
    expect(await readFile(path, "utf8")).toBe(`{"a": 1,}`);
  }, 60_000);
});

// The hostile-config cases whose handling leans on the runtime (fs flags, decoder, stack): same exit, same line.
describe("deno: hostile config files", () => {
  const firstLines = (r: { code: number; stdout: string; stderr: string; killed: boolean }) => ({
    killed: r.killed,
    code: r.code,
    stdout: r.stdout,
    first: r.stderr.split("\n")[0],
    hint: r.stderr.split("\n")[1]?.startsWith("  hint: "),
  });
  const refused = (code: number, message: string) => ({
    killed: false,
    code,
    stdout: "",
    first: `mcpproxy: ${message}`,
    hint: true,
  });

  test("a FIFO: exit 4 at once, no .lock left", async () => {
    const home = await tempDir();
    const fifo = join(home, "mcp_config.json");
    expect(Bun.spawnSync(["mkfifo", fifo]).exitCode).toBe(0);
    try {
      for (const command of ["status", "disable"]) {
        const r = await runBounded(DENO, ["telemetry", command, "--config", fifo], {
          env: env(home),
          ms: 30_000,
        });
        expect(firstLines(r)).toEqual(refused(4, `${fifo} is a FIFO (named pipe), not a config file`));
      }
    } finally {
      try {
        closeSync(openSync(fifo, constants.O_WRONLY | constants.O_NONBLOCK));
      } catch {}
    }
    expect((await readdir(home)).filter((name) => name !== ".deno")).toEqual(["mcp_config.json"]);
  }, 60_000);

  test("--config /dev/stdin: exit 4, and no stray file", async () => {
    const home = await tempDir();
    const cwd = await tempDir();
    const r = await runBounded(DENO, ["telemetry", "disable", "--config", "/dev/stdin"], {
      env: env(home),
      cwd,
      stdin: '{"x":1}\n',
      ms: 30_000,
    });
    expect(firstLines(r)).toEqual(refused(4, "/dev/stdin is standard input, not a config file"));
    expect(await readdir(cwd)).toEqual([]);
  }, 60_000);

  test("bytes that are not UTF-8: exit 4 with where, untouched", async () => {
    const home = await tempDir();
    const path = join(home, "c.json");
    const bytes = Buffer.from('{"mcpServers":[{"name":"caf\xe9"}]}\n', "latin1");
    await Bun.write(path, bytes);
    const r = await runBounded(DENO, ["telemetry", "disable", "--config", path], {
      env: env(home),
      ms: 30_000,
    });
    expect(firstLines(r)).toEqual(refused(4, `${path}:1:28: not UTF-8: byte 0xE9 at offset 27`));
    expect(Buffer.compare(await readFile(path), bytes)).toBe(0);
  }, 60_000);

  test("1,000 levels deep is written; 1,001 and 10,000 are refused the same way on every run", async () => {
    const home = await tempDir();
    const path = join(home, "c.json");
    // Objects and lists in turn under a key we do not own: the root is level 1.
    const deep = (levels: number) =>
      `{"a": ${'{"k": ['.repeat((levels - 1) / 2)}${levels % 2 ? "" : "{}"}${"]}".repeat((levels - 1) / 2)}}`;
    await Bun.write(path, deep(1000));
    const ok = await runBounded(DENO, ["telemetry", "disable", "--config", path], {
      env: env(home),
      ms: 30_000,
    });
    expect([ok.code, ok.stderr]).toEqual([0, ""]);
    expect(await readFile(path, "utf8")).toBe(
      `${JSON.stringify({ ...JSON.parse(deep(1000)), telemetry: { enabled: false } }, null, 2)}\n`,
    );
    await Bun.write(path, deep(1001));
    const over = await runBounded(DENO, ["telemetry", "status", "--config", path], {
      env: env(home),
      ms: 30_000,
    });
    // The 1,001st level is the innermost list, the last [ in the text.
    const column = deep(1001).lastIndexOf("[") + 1;
    expect(firstLines(over)).toEqual(
      refused(4, `${path}:1:${column}: invalid JSON: nested more than 1,000 levels deep`),
    );
    await Bun.write(path, `{"a": ${"[".repeat(10_000)}${"]".repeat(10_000)}}`);
    const answers = new Set<string>();
    for (let i = 0; i < 3; i++) {
      const r = await runBounded(DENO, ["telemetry", "disable", "--config", path], {
        env: env(home),
        ms: 30_000,
      });
      answers.add(JSON.stringify(firstLines(r)));
    }
    expect([...answers]).toEqual([
      JSON.stringify(refused(4, `${path}:1:1006: invalid JSON: nested more than 1,000 levels deep`)),
    ]);
  }, 120_000);

  test("serve: starts, answers status with its key, counts, stops on SIGTERM", async () => {
    const h = await makeHome({ telemetry: { notice_shown: true } });
    const d = await serve(DENO, h, { env: env(h.dir), ms: 60_000 });
    expect(d.stdout()).toMatch(/^listening on http:\/\/127\.0\.0\.1:\d+\n$/);
    expect((await fetch(`${d.url}/api/v1/status`)).status).toBe(401);
    const status = await d.get("/api/v1/status", { "x-mcpproxy-client": "cli/1" });
    expect([status.status, (await status.json()).pid]).toEqual([200, d.pid]);
    const payload = await (await d.get("/api/v1/telemetry/payload")).json();
    expect(payload.runtime_version).toMatch(/^deno \d/);
    expect(payload.surface_requests).toMatchObject({ cli: 1, unknown: 1 });
    const client = await run(DENO, ["telemetry", "status", "--json"], { env: env(h.dir) });
    expect(JSON.parse(client.stdout).daemon).toEqual({ running: true, address: d.url, pid: d.pid });
    expect(await d.stop("SIGTERM")).toBe(0);
    expect(d.stderr()).toContain("stopped");
    expect(existsSync(join(h.data, "daemon.json"))).toBe(false);
    expect(
      JSON.parse(await readFile(join(h.data, "telemetry-counters.json"), "utf8")).surface_requests.cli,
    ).toBe(2);
  }, 120_000);
});

describe("deno: trust", () => {
  test("a policy turns telemetry off; --explain names it; enable refuses; the ledger reads empty", async () => {
    const home = await tempDir();
    const policy = join(home, "policy.json");
    await Bun.write(policy, '{"telemetry": "off"}');
    const e = env(home, { MCPPROXY_POLICY_FILE: policy });
    const explained = await run(DENO, ["telemetry", "status", "--explain", "--json"], { env: e });
    expect([explained.code, explained.stderr]).toEqual([0, ""]);
    expect(JSON.parse(explained.stdout)).toMatchObject({ enabled: false, decided_by: "system policy" });
    const enable = await run(DENO, ["telemetry", "enable"], { env: e });
    expect([enable.code, enable.stdout]).toEqual([1, ""]);
    expect(enable.stderr).toStartWith(
      `mcpproxy: telemetry stays off: turned off by the system policy ${policy}\n`,
    );
    const log = await run(DENO, ["telemetry", "log", "--json"], { env: e });
    expect([log.code, log.stdout]).toEqual([0, "[]\n"]);
  }, 60_000);
});
