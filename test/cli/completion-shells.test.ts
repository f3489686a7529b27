// The scripts `mcpproxy completion <shell>` prints, loaded in real bash, zsh (through tmux) and fish (and
// powershell where installed), with the compiled binary on PATH; a missing shell is skipped by name.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync } from "node:fs";
import { mkdir, rm, symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { SHELLS } from "../../src/commands/completion.ts";
import { BINARY, cleanEnv, ensureBinary, run, tempDir } from "../support/cli.ts";
import {
  home,
  SERVERS,
  telemetryLines,
  telemetrySubcommands,
  visibleCommands,
} from "../support/completion-fixtures.ts";
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
    expect(await offered("telemetry", "")).toEqual((await telemetrySubcommands()).sort());
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
    expect(await offered("mcpproxy telemetry ")).toEqual(await telemetryLines());
    expect((await offered("mcpproxy telemetry ")).map((l) => l.split("\t")[0])).toEqual(
      (await telemetrySubcommands()).sort(),
    );
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
    expect(r.stdout.split(/\r?\n/).filter(Boolean).sort()).toEqual((await telemetrySubcommands()).sort());
  });
});
