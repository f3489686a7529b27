// `mcpproxy diagnostics codes` end to end: from source and compiled, in a temp HOME, env built from nothing.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { rm } from "node:fs/promises";
import { CATALOG, closestCodes } from "../../src/core/catalog.ts";
import { DIAGNOSTIC_CODES } from "../../src/core/codes.ts";
import { COMPILED, cleanEnv, ensureBinary, type Runner, run, SOURCE, tempDir } from "../support/cli.ts";

let home: string;
beforeAll(async () => {
  home = await tempDir("mcpx-codes-");
  await ensureBinary();
}, 120_000);
afterAll(() => rm(home, { recursive: true, force: true }));

describe.each([SOURCE, COMPILED])("diagnostics codes ($name)", (runner: Runner) => {
  const cli = (args: string[]) => run(runner, ["diagnostics", "codes", ...args], { env: cleanEnv(home) });

  test("no code: the whole catalog as a table, one row a code, with its severity", async () => {
    const r = await cli([]);
    expect([r.code, r.stderr]).toEqual([0, ""]);
    const rows = r.stdout.trimEnd().split("\n");
    expect(rows[0]).toMatch(/^CODE\s+LEVEL\s+MESSAGE$/);
    expect(rows.slice(1).map((row) => row.split(/\s+/).slice(0, 2))).toEqual(
      DIAGNOSTIC_CODES.map((code) => [code, CATALOG[code].severity]),
    );
    expect(r.stdout).toContain("MCPX_HTTP_401");
    expect(r.stdout).not.toContain("\u001b[");
  });

  test("--json: every code's entry, in catalog order", async () => {
    const r = await cli(["--json"]);
    expect([r.code, r.stderr]).toEqual([0, ""]);
    const entries = JSON.parse(r.stdout);
    expect(entries.map((e: { code: string }) => e.code)).toEqual([...DIAGNOSTIC_CODES]);
    expect(entries).toEqual(DIAGNOSTIC_CODES.map((code) => CATALOG[code]));
  });

  test.each([
    "MCPX_DOCKER_CLI_NOT_FOUND",
    "mcpx_docker_cli_not_found",
    "docker_cli_not_found",
    "docker-cli-not-found",
  ])("one code, %s, in full as JSON", async (given) => {
    const r = await cli([given, "-o", "json"]);
    expect([r.code, r.stderr]).toEqual([0, ""]);
    expect(JSON.parse(r.stdout)).toEqual(CATALOG.MCPX_DOCKER_CLI_NOT_FOUND);
  });

  test("one code for people: message, numbered steps with commands and links, docs", async () => {
    const r = await cli(["oauth_login_required"]);
    expect([r.code, r.stderr]).toEqual([0, ""]);
    const entry = CATALOG.MCPX_OAUTH_LOGIN_REQUIRED;
    expect(r.stdout).toBe(
      [
        "MCPX_OAUTH_LOGIN_REQUIRED (warn)",
        entry.user_message,
        "",
        "What to do:",
        "  1. Sign in to the server",
        "       mcpproxy auth login --server <name>",
        "  2. Sign in",
        "       (a button in the MCPProxy app)",
        "",
        `Docs: ${entry.docs_url}`,
        "",
      ].join("\n"),
    );
  });

  test("a destructive step is marked", async () => {
    const r = await cli(["MCPX_DOCKER_SNAP_APPARMOR"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(
      "  2. Remove the snap version of Docker (changes your system: read it before running)\n",
    );
  });

  test("an unknown code: exit 1, what was typed, and the closest codes", async () => {
    const r = await cli(["MCPX_HTTP_999"]);
    expect([r.code, r.stdout]).toEqual([1, ""]);
    const close = closestCodes("MCPX_HTTP_999");
    expect(close.length).toBeGreaterThan(0);
    expect(r.stderr).toBe(
      `mcpproxy: unknown code "MCPX_HTTP_999"\n  hint: did you mean ${close.join(", ")}? Or run \`mcpproxy diagnostics codes\` to list them all\n`,
    );
  });

  test("an unknown code with nothing close: the hint lists the command", async () => {
    const r = await cli(["qqqqqqqqqqqq"]);
    expect([r.code, r.stdout]).toEqual([1, ""]);
    expect(r.stderr).toBe(
      'mcpproxy: unknown code "qqqqqqqqqqqq"\n  hint: run `mcpproxy diagnostics codes` to list them all\n',
    );
  });

  test("two codes are refused", async () => {
    const r = await cli(["MCPX_HTTP_401", "MCPX_HTTP_403"]);
    expect([r.code, r.stdout]).toEqual([1, ""]);
    expect(r.stderr).toStartWith("mcpproxy: give one code at most\n");
  });
});
