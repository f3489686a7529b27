// The same src/ under Deno: status, show-payload, enable/disable on a temp config.
import { describe, expect, test } from "bun:test";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { payloadProblem } from "../../src/core/payload.ts";
import { gzipped } from "../support/archives.ts";
import { cleanEnv, DENO, run, tempDir } from "../support/cli.ts";

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
