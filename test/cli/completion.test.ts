// `completion <shell>` and the hidden `complete -- <words…>`: the protocol from source and compiled, then the
// printed scripts loaded in real bash, zsh and fish (powershell where installed), with the binary on PATH.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync } from "node:fs";
import { mkdir, readdir, rm, symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { SHELLS } from "../../src/commands/completion.ts";
import { commands } from "../../src/commands/index.ts";
import { ERRNOS, TRANSPORTS } from "../../src/core/classify-facts.ts";
import { DIAGNOSTIC_CODES } from "../../src/core/codes.ts";
import { OUTPUT_FORMATS } from "../../src/global-args.ts";
import {
  BINARY,
  COMPILED,
  cleanEnv,
  ensureBinary,
  type Runner,
  run,
  SOURCE,
  tempDir,
} from "../support/cli.ts";
import { openTerminal } from "../support/tmux.ts";

let root: string;
let bin: string;
beforeAll(async () => {
  root = await tempDir("mcpx-completion-");
  bin = join(root, "bin");
  await mkdir(bin);
  await ensureBinary();
  await symlink(BINARY, join(bin, "mcpproxy"));
}, 120_000);
afterAll(() => rm(root, { recursive: true, force: true }));

/** A fresh HOME, optionally with a config. */
async function home(config?: string): Promise<string> {
  const dir = await tempDir("mcpx-completion-home-");
  afterAll(() => rm(dir, { recursive: true, force: true }));
  if (config !== undefined) {
    await mkdir(join(dir, ".mcpproxy"));
    await writeFile(join(dir, ".mcpproxy/mcp_config.json"), config);
  }
  return dir;
}

const visibleCommands = async () => {
  const names: string[] = [];
  for (const [name, load] of Object.entries(commands)) {
    const meta = (await load()).meta as { hidden?: boolean };
    if (!meta.hidden) names.push(name);
  }
  return names;
};

const SERVERS = JSON.stringify({
  mcpServers: [
    { name: "github", protocol: "http", url: "https://api.github.com/mcp" },
    { name: "local-files", command: "npx" },
    null,
    { name: "has space" },
    { name: "\u001b[31mred" },
    { name: "semi;colon" },
    { protocol: "stdio" },
  ],
});

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

  test.each<[string, string[], readonly string[], string]>([
    [
      "a group's subcommands",
      ["telemetry", ""],
      ["status", "enable", "disable", "show-payload", "send", "schema"],
      ":4",
    ],
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

const BASH_COMPLETION = "/usr/share/bash-completion/bash_completion";
const hasBash = !!Bun.which("bash") && existsSync(BASH_COMPLETION);
const hasZsh = !!Bun.which("zsh") && !!Bun.which("tmux");
const hasFish = !!Bun.which("fish");
const hasPwsh = !!Bun.which("pwsh");
const shellEnv = (dir: string) => cleanEnv(dir, { PATH: `${bin}:/usr/bin:/bin`, TERM: "xterm" });

describe("the scripts in real shells", () => {
  // tab's bash script needs _get_comp_words_by_ref from the bash-completion package.
  test.skipIf(!hasBash)("bash (with bash-completion): COMPREPLY after TAB", async () => {
    const dir = await home(SERVERS);
    const script = join(import.meta.dir, "../support/bash-complete.bash");
    const offered = async (...words: string[]) => {
      const r = await run(
        { name: "bash", command: ["bash", "--norc", "--noprofile", script, BASH_COMPLETION] },
        words,
        {
          env: shellEnv(dir),
        },
      );
      expect(r.stderr).toBe("");
      return r.stdout.split("\n").filter(Boolean).sort();
    };
    expect(await offered("telemetry", "")).toEqual([
      "disable",
      "enable",
      "schema",
      "send",
      "show-payload",
      "status",
    ]);
    expect(await offered("diagnose", "--transport", "s")).toEqual(["sse", "stdio", "streamable-http"]);
    expect(await offered("-o", "")).toEqual(["json", "table"]);
    expect(await offered("completion", "")).toEqual([...SHELLS].sort());
    expect(await offered("diagnostics", "codes", "MCPX_HTTP_40")).toEqual([
      "MCPX_HTTP_401",
      "MCPX_HTTP_403",
      "MCPX_HTTP_404",
    ]);
    expect(await offered("diagnose", "--server", "")).toEqual(["github", "local-files"]);
    expect(await offered("")).toEqual((await visibleCommands()).sort());
  });

  test.skipIf(!hasZsh)(
    "zsh (through tmux): the list after TAB, and a single match inserted",
    async () => {
      const dir = await home(SERVERS);
      await writeFile(
        join(dir, ".zshrc"),
        [
          "autoload -Uz compinit && compinit -u -D",
          "source <(mcpproxy completion zsh)",
          "PS1='READY> '",
        ].join("\n"),
      );
      const term = await openTerminal(root, ["zsh", "-i"], { ...shellEnv(dir), ZDOTDIR: dir });
      const inserted = async (typed: string, line: string) => {
        await term.send("C-c");
        await term.send(typed, "Tab");
        await term.waitFor((s) => s.includes(`READY> ${line}`));
        // The screen drops trailing blanks: a typed mark shows the space TAB added after the one match.
        await term.send("X");
        await term.waitFor((s) => s.includes(`READY> ${line} X`));
      };
      try {
        await term.waitFor((s) => s.includes("READY>"));
        await term.send("mcpproxy telemetry ", "Tab");
        let screen = await term.waitFor((s) => s.includes("show-payload"));
        expect(screen).toMatch(/^status\s+-- Show whether telemetry is on/m);
        for (const name of ["enable", "disable", "send", "schema"])
          expect(screen).toMatch(new RegExp(`^${name}\\s+--`, "m"));

        await term.send("C-c");
        await term.send("mcpproxy diagnose --transport s", "Tab");
        screen = await term.waitFor((s) => s.includes("streamable-http"));
        expect(
          screen
            .split("\n")
            .find((l) => l.includes("streamable-http"))
            ?.trim()
            .split(/\s+/)
            .sort(),
        ).toEqual(["sse", "stdio", "streamable-http"]);

        await inserted("mcpproxy diagnostics co", "mcpproxy diagnostics codes");

        await inserted("mcpproxy --output=t", "mcpproxy --output=table");

        await inserted("mcpproxy diagnose --server l", "mcpproxy diagnose --server local-files");
      } finally {
        await term.close();
      }
    },
    60_000,
  );

  test.skipIf(!hasFish)("fish: complete -C after the script is sourced", async () => {
    const dir = await home(SERVERS);
    const offered = async (line: string) => {
      const script = `mcpproxy completion fish | source; complete -C ${JSON.stringify(line)}`;
      const r = await run({ name: "fish", command: ["fish", "--no-config", "-c", script] }, [], {
        env: shellEnv(dir),
      });
      expect([r.code, r.stderr]).toEqual([0, ""]);
      return r.stdout.split("\n").filter(Boolean).sort();
    };
    expect(await offered("mcpproxy telemetry ")).toContain(
      "status\tShow whether telemetry is on, why, and the anonymous id",
    );
    expect((await offered("mcpproxy telemetry ")).map((l) => l.split("\t")[0])).toEqual([
      "disable",
      "enable",
      "schema",
      "send",
      "show-payload",
      "status",
    ]);
    expect(await offered("mcpproxy diagnose --errno ECONN")).toEqual(["ECONNREFUSED"]);
    expect(await offered("mcpproxy --output=")).toEqual(["--output=json", "--output=table"]);
    expect(await offered("mcpproxy completion ")).toEqual([...SHELLS].sort());
    expect(await offered("mcpproxy diagnose --server ")).toEqual(["github", "local-files"]);
  });

  test.skipIf(!hasPwsh)("powershell: TabExpansion2 after the script is loaded", async () => {
    const dir = await home();
    const script = [
      "mcpproxy completion powershell | Out-String | Invoke-Expression",
      "$line = 'mcpproxy telemetry '",
      "(TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches | ForEach-Object { $_.CompletionText.Trim() }",
    ].join("\n");
    const r = await run(
      { name: "pwsh", command: ["pwsh", "-NoProfile", "-NonInteractive", "-Command", script] },
      [],
      {
        env: shellEnv(dir),
      },
    );
    expect(r.code).toBe(0);
    expect(r.stdout.split(/\r?\n/).filter(Boolean).sort()).toEqual([
      "disable",
      "enable",
      "schema",
      "send",
      "show-payload",
      "status",
    ]);
  });
});
