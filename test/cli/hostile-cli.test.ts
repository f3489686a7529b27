// The CLI against hostile paths, output and flags (config-and-identity.md, "Hostile files, paths and processes").
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync } from "node:fs";
import { mkdir, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { COMPILED, cleanEnv, DENO, ensureBinary, type Runner, run, SOURCE, tempDir } from "../support/cli.ts";

const roots: string[] = [];
beforeAll(ensureBinary, 120_000);
afterAll(async () => {
  await Promise.all(roots.map((dir) => rm(dir, { recursive: true, force: true })));
});

async function home() {
  const dir = await tempDir("mcpx-hostile-");
  roots.push(dir);
  return { dir, data: join(dir, ".mcpproxy"), config: join(dir, ".mcpproxy", "mcp_config.json") };
}

// The runtimes' own caches in HOME (Bun's transpiler cache, Deno's) are not ours to account for.
const ours = async (dir: string) =>
  (await readdir(dir)).filter((name) => ![".bun", ".cache", ".deno"].includes(name)).sort();

const V1_UUID = "c232ab00-9414-11ec-b3c8-9e6bdeced846";
const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** Runs the CLI through bash, so the environment and argv can hold bytes that are not UTF-8. */
const viaBash = (runner: Runner, script: string, env: Record<string, string>) =>
  run(
    { name: `${runner.name} via bash`, command: ["bash", "-c", script, "mcpproxy", ...runner.command] },
    [],
    { env },
  );

for (const runner of [SOURCE, COMPILED, DENO]) {
  describe(`hostile input (${runner.name})`, () => {
    const cli = (args: string[], env: Record<string, string>) => run(runner, args, { env });

    describe("paths that are not UTF-8 are refused, and nothing is created (fail closed)", () => {
      // $'…\xe9' in bash: a Latin-1 byte, which is not UTF-8.
      test.each([
        ["HOME", `HOME="$ROOT/h"$'\\xe9' "$@" telemetry show-payload`, "HOME holds bytes that are not UTF-8"],
        [
          "MCPPROXY_DATA_DIR",
          `MCPPROXY_DATA_DIR="$ROOT/h"$'\\xe9' "$@" telemetry disable`,
          "MCPPROXY_DATA_DIR holds bytes that are not UTF-8",
        ],
        [
          "MCPPROXY_CONFIG",
          `MCPPROXY_CONFIG="$ROOT/h"$'\\xe9/c.json' "$@" telemetry show-payload`,
          "MCPPROXY_CONFIG holds bytes that are not UTF-8",
        ],
        [
          "--config",
          `"$@" telemetry disable --config "$ROOT/h"$'\\xe9/c.json'`,
          "--config holds bytes that are not UTF-8",
        ],
        [
          "--data-dir",
          `"$@" telemetry show-payload --data-dir="$ROOT/h"$'\\xe9'`,
          "--data-dir holds bytes that are not UTF-8",
        ],
      ])("%s", async (_, script, message) => {
        const h = await home();
        // The user's opt-out lives at the real (Latin-1) path; a lossy reading would miss it.
        const made = await viaBash(
          SOURCE,
          `mkdir -p "$ROOT/h"$'\\xe9'/.mcpproxy && printf '{"telemetry": {"enabled": false}}' > "$ROOT/h"$'\\xe9'/.mcpproxy/mcp_config.json`,
          { ...cleanEnv(h.dir), ROOT: h.dir },
        );
        expect(made.code).toBe(0);
        const before = await ours(h.dir);
        const r = await viaBash(runner, script, { ...cleanEnv(h.dir), ROOT: h.dir });
        expect([r.code, r.stdout]).toEqual([1, ""]);
        expect(r.stderr.split("\n")[0]).toStartWith(`mcpproxy: ${message}`);
        expect(r.stderr).toContain("hint: ");
        expect(await ours(h.dir)).toEqual(before);
      });
    });

    // The compiled binary (Bun) and Deno refuse a deleted working folder before our code runs; Bun from source
    // runs it, and used to resolve the path against its own folder.
    if (runner === SOURCE)
      test("a relative --config in a deleted working folder: one line, exit 1", async () => {
        const h = await home();
        const script = `mkdir "$ROOT/gone" && cd "$ROOT/gone" && rmdir "$ROOT/gone" && "$@" telemetry show-payload --config rel.json`;
        const before = await ours(h.dir);
        const r = await viaBash(runner, script, { ...cleanEnv(h.dir), ROOT: h.dir });
        expect([r.code, r.stdout]).toEqual([1, ""]);
        expect(r.stderr).toBe(
          "mcpproxy: the current folder no longer exists, so a relative path cannot be resolved\n  hint: cd to a folder that exists, or give full paths\n",
        );
        expect(await ours(h.dir)).toEqual(before);
      });

    test("a leading ~/ in MCPPROXY_DATA_DIR and --config means the home folder", async () => {
      const h = await home();
      const r = await cli(["telemetry", "disable", "--json"], cleanEnv(h.dir, { MCPPROXY_DATA_DIR: "~/x" }));
      expect(r.code).toBe(0);
      expect(JSON.parse(r.stdout).config_path).toBe(join(h.dir, "x", "mcp_config.json"));
      expect(JSON.parse(await readFile(join(h.dir, "x", "mcp_config.json"), "utf8"))).toEqual({
        telemetry: { enabled: false },
      });
      expect(existsSync(join(h.dir, "~"))).toBe(false);
      const viaFlag = await cli(["telemetry", "status", "--json", "--config", "~/x/mcp_config.json"], {
        ...cleanEnv(h.dir),
      });
      expect(JSON.parse(viaFlag.stdout)).toMatchObject({ enabled: false, disabled_by: "config" });
    });

    test("a config path ending in / is a folder path: exit 4, and no file is made in its place", async () => {
      const h = await home();
      const dir = join(h.dir, "conf");
      const r = await cli(["telemetry", "disable"], cleanEnv(h.dir, { MCPPROXY_CONFIG: `${dir}/` }));
      expect([r.code, r.stdout]).toEqual([4, ""]);
      expect(r.stderr.split("\n")[0]).toContain(dir);
      expect(existsSync(dir)).toBe(false);
    });

    test("status escapes control characters from the config", async () => {
      const h = await home();
      await mkdir(h.data, { recursive: true });
      const evil = "\u001b]0;pwned\u0007\u001b[2J";
      await writeFile(
        h.config,
        JSON.stringify({ telemetry: { anonymous_id: evil, endpoint: `https://x\u009b31m.example` } }),
      );
      const r = await cli(["telemetry", "status"], cleanEnv(h.dir, { DO_NOT_TRACK: "1" }));
      expect(r.code).toBe(0);
      // biome-ignore lint/suspicious/noControlCharactersInRegex: no raw control character may reach the terminal.
      expect(r.stdout).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
      expect(r.stdout).toContain("\\u001b]0;pwned\\u0007\\u001b[2J");
      expect(r.stdout).toContain("https://x\\u009b31m.example");
    });

    test("an error message with control characters from the input is escaped", async () => {
      const h = await home();
      const r = await cli(["diagnose", "x", "--server", "a\u001b[31mb"], cleanEnv(h.dir));
      expect(r.code).toBe(1);
      expect(r.stderr).not.toContain("\u001b");
      expect(r.stderr).toContain('no server named "a\\u001b[31mb"');
    });

    test("a version-1 UUID or the nil UUID in the config is replaced, never shown as the payload's id", async () => {
      for (const id of [V1_UUID, "00000000-0000-0000-0000-000000000000"]) {
        const h = await home();
        await mkdir(h.data, { recursive: true });
        await writeFile(
          h.config,
          JSON.stringify({
            telemetry: { anonymous_id: id, anonymous_id_created_at: "2026-11-01T00:00:00Z" },
          }),
        );
        const r = await cli(["telemetry", "show-payload"], cleanEnv(h.dir));
        expect(r.code).toBe(0);
        const payload = JSON.parse(r.stdout);
        expect(payload.anonymous_id).toMatch(UUID_V4);
        expect(payload.anonymous_id).not.toBe(id);
        expect(JSON.parse(await readFile(h.config, "utf8")).telemetry.anonymous_id).toBe(
          payload.anonymous_id,
        );
      }
    });

    describe("stdout that cannot be written", () => {
      test("a full disk (>/dev/full): exit 1 with one line", async () => {
        const h = await home();
        const r = await viaBash(runner, `"$@" telemetry show-payload >/dev/full`, cleanEnv(h.dir));
        expect(r.code).toBe(1);
        expect(r.stderr).toStartWith("mcpproxy: cannot write the result to stdout: the disk is full\n");
        expect(r.stderr).not.toMatch(/^\s+at /m);
      });

      test("a reader that went away (| head): quiet, exit 0", async () => {
        const h = await home();
        // The reader closes its end at once, so the write meets a pipe with no reader (EPIPE).
        const r = await viaBash(
          runner,
          `set -o pipefail; "$@" diagnostics codes --json | (exec 0<&-; sleep 0.3)`,
          cleanEnv(h.dir),
        );
        expect([r.code, r.stderr]).toEqual([0, ""]);
      });
    });

    describe("flags", () => {
      test.each([
        [["--version"]],
        [["-v"]],
        [["--version", "--no-color"]],
        [["telemetry", "--version"]],
        [["--json", "--version"]],
      ])("%j prints the version", async (args) => {
        const h = await home();
        const r = await cli(args, cleanEnv(h.dir));
        expect([r.code, r.stderr]).toEqual([0, ""]);
        expect(r.stdout).toMatch(/^(dev|v\d+\.\d+\.\d+)\n$/);
      });

      test("text that starts with - is pointed to -- and to stdin", async () => {
        const h = await home();
        const r = await cli(["diagnose", "-bash: docker: command not found"], cleanEnv(h.dir));
        expect([r.code, r.stdout]).toEqual([1, ""]);
        expect(r.stderr).toBe(
          'mcpproxy: unknown flag "-bash:": text that starts with "-" is read as a flag\n' +
            '  hint: put the text after --: mcpproxy diagnose -- "-bash: docker: command not found", or pipe it in: … | mcpproxy diagnose -\n',
        );
        const fixed = await cli(
          ["diagnose", "--json", "--", "-bash: docker: command not found"],
          cleanEnv(h.dir),
        );
        expect(JSON.parse(fixed.stdout).code).toBe("MCPX_DOCKER_CLI_NOT_FOUND");
      });

      test("--verbose adds a stack that names the src/ files and lines (a source map in the binary)", async () => {
        const h = await home();
        await mkdir(h.data, { recursive: true });
        await writeFile(h.config, '{"telemetry": {"enabled": tru}}');
        const plain = await cli(["telemetry", "status"], cleanEnv(h.dir));
        expect(plain.stderr.split("\n").filter((l) => l.trim().startsWith("at "))).toEqual([]);
        const r = await cli(["telemetry", "status", "--verbose"], cleanEnv(h.dir));
        expect(r.code).toBe(4);
        expect(r.stderr).toMatch(/\n\s+at .*src\/io\/config-store\.ts:\d+:\d+/);
      });

      test("help describes --no-color and shows no bare --color", async () => {
        const h = await home();
        const r = await cli(["telemetry", "status", "--help"], cleanEnv(h.dir));
        expect(r.code).toBe(0);
        expect(r.stdout).toMatch(/--no-color\s+Never print colour/);
        expect(r.stdout).not.toMatch(/--color\b/);
        expect(r.stdout).not.toContain("Default: true");
      });
    });
  });
}
