// `completion <shell>` and the hidden `complete -- <words…>` from source and compiled: what is offered after
// which words, and refusals. The scripts in real shells: completion-shells.test.ts.
import { beforeAll, describe, expect, test } from "bun:test";
import { readdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { SHELLS } from "../../src/commands/completion.ts";
import { ERRNOS, TRANSPORTS } from "../../src/core/classify-facts.ts";
import { DIAGNOSTIC_CODES } from "../../src/core/codes.ts";
import { OUTPUT_FORMATS } from "../../src/global-args.ts";
import { COMPILED, cleanEnv, ensureBinary, type Runner, run, SOURCE } from "../support/cli.ts";
import {
  home,
  SERVERS,
  telemetryLines,
  telemetrySubcommands,
  visibleCommands,
} from "../support/completion-fixtures.ts";

beforeAll(() => ensureBinary(), 120_000);

describe.each([SOURCE, COMPILED])("complete ($name)", (runner: Runner) => {
  async function offers(words: string[], env?: Record<string, string>) {
    const r = await run(runner, ["complete", "--", ...words], { env: env ?? cleanEnv(await home()) });
    expect([r.code, r.stderr]).toEqual([0, ""]);
    const lines = r.stdout.trimEnd().split("\n");
    const directive = lines.pop();
    return { values: lines.map((line) => line.split("\t")[0]), directive, lines };
  }

  test("after the program name: every visible command in the map, with its description", async () => {
    const r = await offers([""]);
    expect(r.values.sort()).toEqual((await visibleCommands()).sort());
    expect(r.values).not.toContain("complete");
    expect(r.lines).toContain(
      "completion\tPrint the shell completion script for bash, zsh, fish or powershell",
    );
    expect(r.directive).toBe(":4");
  });

  test("a group's subcommands: every visible one in its definition", async () => {
    const r = await offers(["telemetry", ""]);
    expect(r.values.sort()).toEqual((await telemetrySubcommands()).sort());
    expect(r.values).toEqual(expect.arrayContaining(["status", "enable", "disable", "show-payload", "send"]));
    expect(r.lines.sort()).toEqual(await telemetryLines());
  });

  test.each<[string, string[], readonly string[], string]>([
    ["a prefix of a command", ["tele"], ["telemetry"], ":4"],
    [
      "global flags before the group",
      ["--output", "json", "--verbose", "telemetry", "s"],
      ["status", "show-payload", "send", "schema"],
      ":4",
    ],
    ["--transport values", ["diagnose", "--transport", ""], TRANSPORTS, ":4"],
    [
      "--transport values by prefix",
      ["diagnose", "--transport", "s"],
      ["stdio", "sse", "streamable-http"],
      ":4",
    ],
    ["--errno values", ["diagnose", "--errno", ""], ERRNOS, ":4"],
    ["-o values", ["-o", ""], OUTPUT_FORMATS, ":4"],
    ["--output values after a command", ["telemetry", "status", "--output", "t"], ["table"], ":4"],
    ["--output= values (the shell puts the flag back)", ["--output=j"], ["json"], ":4"],
    ["the shells", ["completion", ""], SHELLS, ":4"],
    ["the diagnostic codes", ["diagnostics", "codes", ""], DIAGNOSTIC_CODES, ":4"],
    [
      "codes by prefix",
      ["diagnostics", "codes", "MCPX_HTTP_4"],
      ["MCPX_HTTP_401", "MCPX_HTTP_403", "MCPX_HTTP_404"],
      ":4",
    ],
    ["one code only", ["diagnostics", "codes", "MCPX_HTTP_401", ""], [], ":4"],
    ["a flag by prefix", ["diagnose", "--tr"], ["--transport"], ":4"],
    ["no flag twice", ["telemetry", "status", "--json", "--j"], [], ":4"],
    ["a command without arguments", ["version", ""], [], ":4"],
    ["an unknown command", ["nosuch", ""], [], ":4"],
    ["free text", ["diagnose", "connection refused", ""], [], ":4"],
    ["after --", ["diagnose", "--", "--tr"], [], ":4"],
    ["a file for --config", ["diagnose", "--config", ""], [], ":0"],
    ["a folder for --data-dir", ["--data-dir", ""], [], ":16"],
  ])("%s", async (_, words, expected, directive) => {
    const r = await offers(words);
    expect(r.values).toEqual([...expected]);
    expect(r.directive).toBe(directive);
  });

  test("a lone - offers short and long flags, with --help", async () => {
    const r = await offers(["diagnose", "-"]);
    expect(r.values).toEqual(
      expect.arrayContaining(["-o", "--output", "--json", "--transport", "--errno", "--help"]),
    );
    expect(r.values).not.toContain("--no-json");
  });

  test("--server: the config's names a shell can take, nothing else", async () => {
    const env = cleanEnv(await home(SERVERS));
    expect((await offers(["diagnose", "--server", ""], env)).values).toEqual(["github", "local-files"]);
    expect((await offers(["diagnose", "--server", "l"], env)).values).toEqual(["local-files"]);
  });

  test("--server reads the config named on the line (--config), else MCPPROXY_CONFIG", async () => {
    const dir = await home();
    const other = join(dir, "other.json");
    await writeFile(other, JSON.stringify({ mcpServers: [{ name: "from-other" }] }));
    const env = cleanEnv(await home(SERVERS));
    expect((await offers(["--config", other, "diagnose", "--server", ""], env)).values).toEqual([
      "from-other",
    ]);
    const viaEnv = cleanEnv(await home(), { MCPPROXY_CONFIG: other });
    expect((await offers(["diagnose", "--server", ""], viaEnv)).values).toEqual(["from-other"]);
  });

  test.each([
    ["invalid JSON", "{ not json"],
    ["a wrong type", JSON.stringify({ mcpServers: "github" })],
  ])("--server with %s in the config: no names, no error, exit 0", async (_, text) => {
    const r = await offers(["diagnose", "--server", ""], cleanEnv(await home(text)));
    expect(r).toEqual({ values: [], directive: ":4", lines: [] });
  });

  test("completing writes nothing: a fresh HOME stays empty", async () => {
    const dir = await home();
    for (const words of [[""], ["telemetry", ""], ["diagnose", "--server", ""], ["telemetry", "send", ""]]) {
      await offers(words, cleanEnv(dir));
    }
    // Bun keeps its own transpiler cache in HOME when it runs the source; the program itself writes nothing.
    expect((await readdir(dir)).filter((entry) => entry !== ".bun")).toEqual([]);
  });
});

describe.each([SOURCE, COMPILED])("completion ($name)", (runner: Runner) => {
  test.each([...SHELLS])(
    "completion %s prints a script that asks `mcpproxy complete -- …`",
    async (shell) => {
      const r = await run(runner, ["completion", shell], { env: cleanEnv(await home()) });
      expect([r.code, r.stderr]).toEqual([0, ""]);
      expect(r.stdout).toMatch(/mcpproxy complete '?--'? /);
      expect(r.stdout).toContain(`${shell} completion for mcpproxy`);
    },
  );

  test.each([
    [[], "mcpproxy: give a shell: bash, zsh, fish, powershell"],
    [["tcsh"], 'mcpproxy: unknown shell "tcsh"; use one of: bash, zsh, fish, powershell'],
    [["bash", "zsh"], "mcpproxy: give one shell"],
  ])("completion %p is refused: one line, a hint, exit 1", async (args, message) => {
    const r = await run(runner, ["completion", ...args], { env: cleanEnv(await home()) });
    expect([r.code, r.stdout]).toEqual([1, ""]);
    expect(r.stderr.split("\n")).toEqual([message, expect.stringMatching(/^ {2}hint: /), ""]);
  });

  test("`complete` is hidden from the help", async () => {
    const r = await run(runner, ["--help"], { env: cleanEnv(await home()) });
    expect(r.stdout).toContain("completion");
    expect(r.stdout).not.toMatch(/^\s*complete\s/m);
  });
});
