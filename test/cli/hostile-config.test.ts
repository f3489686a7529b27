// Hostile config files end to end (config-and-identity.md: what counts as a config; owner and group kept).
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { closeSync, constants, openSync } from "node:fs";
import { chmod, chown, mkdir, readdir, readFile, rm, stat, symlink, writeFile } from "node:fs/promises";
import type { Server } from "node:net";
import { join } from "node:path";
import {
  asNobody,
  COMPILED,
  cleanEnv,
  ensureBinary,
  IS_ROOT,
  nobodyCanRun,
  nobodyRunner,
  type Runner,
  runBounded,
  SOURCE,
  tempDir,
} from "../support/cli.ts";

const roots: string[] = [];
const servers: Server[] = [];
beforeAll(ensureBinary, 120_000);
afterAll(async () => {
  for (const server of servers) server.close();
  await Promise.all(roots.map((dir) => rm(dir, { recursive: true, force: true })));
});

async function folder() {
  const dir = await tempDir("mcpx-hostile-config-");
  roots.push(dir);
  return dir;
}

type Result = Awaited<ReturnType<typeof runBounded>>;

/** Exit code, nothing on stdout, exactly one line of message and one of hint on stderr. */
function expectRefused(r: Result, code: number, message: string) {
  expect({ killed: r.killed, code: r.code, stdout: r.stdout, first: r.stderr.split("\n")[0] }).toEqual({
    killed: false,
    code,
    stdout: "",
    first: `mcpproxy: ${message}`,
  });
  const lines = r.stderr.split("\n");
  expect(lines).toHaveLength(3);
  expect(lines[1]).toStartWith("  hint: ");
  expect(lines[2]).toBe("");
}

async function snapshot(path: string) {
  const info = await stat(path);
  return {
    bytes: (await readFile(path)).toString("base64"),
    mtimeMs: info.mtimeMs,
    mode: info.mode,
    owner: [info.uid, info.gid],
  };
}

const listing = async (dir: string) => (await readdir(dir)).sort();

// HOME is apart from the folders under test: Bun's transpiler cache lands there. Anyone may write it.
const HOME = await folder();
await chmod(HOME, 0o777);

/** Opens a FIFO's write end so a reader stuck on it returns: a regression fails rather than blocks. */
function unblock(fifo: string) {
  try {
    closeSync(openSync(fifo, constants.O_WRONLY | constants.O_NONBLOCK));
  } catch {}
}

// Depth counts [ and {: the root, mcpServers, the server and its oauth are the first 4 levels.
function nested(depth: number): string {
  let open = "";
  let close = "";
  for (let i = 1; i <= depth - 4; i++) {
    open += i % 2 ? `{"k${i}": ` : "[0, ";
    close = (i % 2 ? "}" : "]") + close;
  }
  return `{"telemetry": {"enabled": true}, "mcpServers": [{"name": "s", "oauth": {"deep": ${open}"end"${close}}}]}`;
}

const READ_AND_WRITE = [
  ["telemetry", "status"],
  ["telemetry", "disable"],
  ["telemetry", "show-payload"],
];

for (const runner of [SOURCE, COMPILED]) {
  describe(`hostile config files (${runner.name})`, () => {
    const cli = (args: string[], dir: string, extra: { stdin?: string; ms?: number } = {}) =>
      runBounded(runner, args, { env: cleanEnv(HOME), cwd: dir, ...extra });

    /** Each command refuses the same way, and the folder holds what it held before. */
    async function refusedByAll(dir: string, config: string, code: number, message: string, ms?: number) {
      const before = await listing(dir);
      for (const args of READ_AND_WRITE) {
        const r = await cli([...args, "--config", config], dir, { ms });
        expectRefused(r, code, message);
      }
      expect(await listing(dir)).toEqual(before);
    }

    test("a FIFO: exit 4 at once, not a hang; no .lock left", async () => {
      const dir = await folder();
      const fifo = join(dir, "mcp_config.json");
      expect(Bun.spawnSync(["mkfifo", fifo]).exitCode).toBe(0);
      try {
        await refusedByAll(dir, fifo, 4, `${fifo} is a FIFO (named pipe), not a config file`, 5_000);
      } finally {
        unblock(fifo);
      }
      expect(await listing(dir)).toEqual(["mcp_config.json"]);
    });

    test.each([
      ["/dev/zero", "/dev/zero is a character device, not a config file"],
      ["/dev/null", "/dev/null is a character device, not a config file"],
    ])("%s: exit 4 without reading it", async (device, message) => {
      const dir = await folder();
      await refusedByAll(dir, device, 4, message, 5_000);
    });

    test("--config /dev/stdin with a pipe on stdin: exit 4, and no stray ./pipe:[N] file", async () => {
      const dir = await folder();
      for (const args of READ_AND_WRITE) {
        const r = await cli([...args, "--config", "/dev/stdin"], dir, { stdin: '{"x":1}\n', ms: 5_000 });
        expectRefused(r, 4, "/dev/stdin is standard input, not a config file");
      }
      expect(await listing(dir)).toEqual([]);
    });

    test("a socket", async () => {
      const dir = await folder();
      const path = join(dir, "mcp_config.json");
      const { createServer } = await import("node:net");
      const server = createServer();
      servers.push(server);
      await new Promise<void>((ok) => server.listen(path, ok));
      await refusedByAll(dir, path, 4, `${path} is a socket, not a config file`);
    });

    test("a folder, and a file's path ending in /", async () => {
      const dir = await folder();
      const sub = join(dir, "conf");
      await mkdir(sub);
      await writeFile(join(dir, "c.json"), "{}");
      const before = await snapshot(join(dir, "c.json"));
      await refusedByAll(dir, sub, 4, `${sub} is a folder, not a config file`);
      const slash = `${join(dir, "c.json")}/`;
      await refusedByAll(dir, slash, 4, `${slash} is a path ending in "/" (a folder), not a config file`);
      expect(await snapshot(join(dir, "c.json"))).toEqual(before);
      expect(await readdir(sub)).toEqual([]);
    });

    test("a symlink loop: in words, exit 4", async () => {
      const dir = await folder();
      await symlink(join(dir, "b"), join(dir, "a"));
      await symlink(join(dir, "a"), join(dir, "b"));
      const message = `cannot read ${join(dir, "a")}: too many symbolic links (a symlink loop)`;
      await refusedByAll(dir, join(dir, "a"), 4, message);
    });

    test("a data dir that is a file: names that file, exit 4", async () => {
      const dir = await folder();
      const file = join(dir, "hostname");
      await writeFile(file, "box\n");
      const before = await snapshot(file);
      for (const args of READ_AND_WRITE) {
        const r = await cli([...args, "--data-dir", file], dir);
        expectRefused(r, 4, `cannot read ${join(file, "mcp_config.json")}: ${file} is a file, not a folder`);
      }
      expect(await snapshot(file)).toEqual(before);
    });

    test("a path too long to read is exit 4; a name that leaves no room for its .lock is exit 1", async () => {
      const dir = await folder();
      const long = join(dir, "a".repeat(300));
      await refusedByAll(dir, long, 4, `cannot read ${long}: the path is too long`);
      const almost = join(dir, "b".repeat(252));
      const r = await cli(["telemetry", "disable", "--config", almost], dir);
      expectRefused(
        r,
        1,
        `cannot write ${almost}: the path is too long (the .lock beside it needs 5 more bytes)`,
      );
      expect(await listing(dir)).toEqual([]);
    });

    test("a 17 MiB file: says its size and the limit, untouched", async () => {
      const dir = await folder();
      const path = join(dir, "mcp_config.json");
      await writeFile(path, `{"a": "${"x".repeat(17 * 1024 * 1024)}"}`);
      const before = await snapshot(path);
      await refusedByAll(dir, path, 4, `${path} is 17.0 MiB; a config file may be at most 16 MiB`);
      expect(await snapshot(path)).toEqual(before);
    });

    test("bytes that are not UTF-8 in a key we do not own: exit 4 with where, untouched", async () => {
      const dir = await folder();
      const path = join(dir, "mcp_config.json");
      await writeFile(path, Buffer.from('{"mcpServers":[{"name":"caf\xe9"}]}\n', "latin1"));
      const before = await snapshot(path);
      await refusedByAll(dir, path, 4, `${path}:1:28: not UTF-8: byte 0xE9 at offset 27`);
      expect(await snapshot(path)).toEqual(before);
    });

    test("a UTF-16 file says it is UTF-16, untouched", async () => {
      const dir = await folder();
      const path = join(dir, "mcp_config.json");
      await writeFile(path, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('{"a": 1}\n', "utf16le")]));
      const before = await snapshot(path);
      await refusedByAll(dir, path, 4, `${path} is UTF-16 (little-endian); a config file must be UTF-8`);
      expect(await snapshot(path)).toEqual(before);
    });

    test("1,000 levels deep works for every command; the write keeps every value", async () => {
      const dir = await folder();
      const path = join(dir, "mcp_config.json");
      const text = nested(1000);
      await writeFile(path, text);
      const shown = await cli(["telemetry", "show-payload", "--config", path], dir);
      expect([shown.killed, shown.code]).toEqual([false, 0]);
      expect(JSON.parse(shown.stdout).server_count).toBe(1);
      const off = await cli(["telemetry", "disable", "--config", path], dir);
      expect([off.killed, off.code, off.stderr]).toEqual([false, 0, ""]);
      const written = JSON.parse(await readFile(path, "utf8"));
      const expected = JSON.parse(text);
      expected.telemetry = { ...written.telemetry, enabled: false };
      expect(await readFile(path, "utf8")).toBe(`${JSON.stringify(expected, null, 2)}\n`);
      expect(await listing(dir)).toEqual(["mcp_config.json"]);
    });

    test("1,001 levels deep: exit 4 where it passes the limit, untouched", async () => {
      const dir = await folder();
      const path = join(dir, "mcp_config.json");
      const text = nested(1001);
      await writeFile(path, text);
      const before = await snapshot(path);
      // No brackets inside its strings: each [ or { opens a level, each ] or } closes one.
      let depth = 0;
      const at = [...text].findIndex(
        (c) => (c === "{" || c === "[" ? ++depth : c === "}" || c === "]" ? --depth : 0) > 1000,
      );
      await refusedByAll(
        dir,
        path,
        4,
        `${path}:1:${at + 1}: invalid JSON: nested more than 1,000 levels deep`,
      );
      expect(await snapshot(path)).toEqual(before);
    });

    test("10,000 levels deep: the same answer on every run", async () => {
      const dir = await folder();
      const path = join(dir, "mcp_config.json");
      await writeFile(path, `{"a": ${"[".repeat(10_000)}${"]".repeat(10_000)}}\n`);
      const before = await snapshot(path);
      const answers = new Set<string>();
      for (let i = 0; i < 10; i++) {
        const r = await cli(["telemetry", i % 2 ? "disable" : "status", "--config", path], dir);
        answers.add(`${r.code} ${r.stderr}`);
      }
      expect([...answers].map((a) => a.split("\n")[0])).toEqual([
        `4 mcpproxy: ${path}:1:1006: invalid JSON: nested more than 1,000 levels deep`,
      ]);
      expect(await snapshot(path)).toEqual(before);
    });

    test.skipIf(!IS_ROOT)(
      "as root over a user's config: the file stays the user's, with its mode (needs root)",
      async () => {
        const dir = await folder();
        const data = join(dir, "data");
        const path = join(data, "mcp_config.json");
        await mkdir(data, { mode: 0o700 });
        await writeFile(path, `{"keep": {"me": [1, 2.50]}}\n`);
        await chmod(path, 0o640);
        await chown(data, 65534, 65534);
        await chown(path, 65534, 65534);
        const r = await cli(["telemetry", "disable", "--data-dir", data], dir);
        expect([r.killed, r.code, r.stderr]).toEqual([false, 0, ""]);
        const info = await stat(path);
        expect([info.uid, info.gid, info.mode & 0o7777]).toEqual([65534, 65534, 0o640]);
        expect(await readFile(path, "utf8")).toBe(
          `{\n  "keep": {\n    "me": [\n      1,\n      2.50\n    ]\n  },\n  "telemetry": {\n    "enabled": false\n  }\n}\n`,
        );
        expect(await listing(data)).toEqual(["mcp_config.json"]);
      },
    );

    test.skipIf(!IS_ROOT)(
      "as root in a user's data dir with no config yet: the new file is the user's (needs root)",
      async () => {
        const dir = await folder();
        const data = join(dir, "data");
        await mkdir(data, { mode: 0o700 });
        await chown(data, 65534, 65534);
        const r = await cli(["telemetry", "disable", "--data-dir", data], dir);
        expect([r.killed, r.code, r.stderr]).toEqual([false, 0, ""]);
        const info = await stat(join(data, "mcp_config.json"));
        expect([info.uid, info.gid, info.mode & 0o7777]).toEqual([65534, 65534, 0o600]);
      },
    );
  });
}

// As another user: the copied binary always (it runs from anywhere), the source where `nobody` reaches it.
await ensureBinary();
const others: Array<[string, Runner | null, string]> = IS_ROOT
  ? [
      ["compiled copy", await nobodyRunner(), ""],
      ["source", (await nobodyCanRun(SOURCE)) ? asNobody(SOURCE) : null, "nobody cannot reach this checkout"],
    ]
  : [
      ["compiled copy", null, "needs root to switch to nobody"],
      ["source", null, "needs root to switch to nobody"],
    ];

for (const [name, runner, why] of others) {
  const title = `hostile config files as nobody (${name})${runner ? "" : `: skipped, ${why}`}`;
  describe.if(runner !== null)(title, () => {
    const cli = (args: string[], dir: string) =>
      runBounded(runner as Runner, args, { env: cleanEnv(HOME), cwd: dir });

    test("over a root-owned file in a folder anyone may write: exit 1, one line, nothing changed", async () => {
      const dir = await folder();
      await chmod(dir, 0o777);
      const path = join(dir, "mcp_config.json");
      await writeFile(path, `{"keep": 1}`);
      await chmod(path, 0o644);
      const before = await snapshot(path);
      const r = await cli(["telemetry", "disable", "--config", path], dir);
      expectRefused(
        r,
        1,
        `cannot write ${path}: it belongs to user 0 and group 0, which a run as user 65534 cannot keep`,
      );
      expect(await snapshot(path)).toEqual(before);
      expect(await listing(dir)).toEqual(["mcp_config.json"]);
    });

    test("over its own file: written, owner, group and mode kept", async () => {
      const dir = await folder();
      await chmod(dir, 0o777);
      const path = join(dir, "mcp_config.json");
      await writeFile(path, `{"keep": 1}`);
      await chown(path, 65534, 65534);
      await chmod(path, 0o644);
      const r = await cli(["telemetry", "disable", "--config", path], dir);
      expect([r.killed, r.code, r.stderr]).toEqual([false, 0, ""]);
      const info = await stat(path);
      expect([info.uid, info.gid, info.mode & 0o7777]).toEqual([65534, 65534, 0o644]);
      expect(JSON.parse(await readFile(path, "utf8"))).toEqual({ keep: 1, telemetry: { enabled: false } });
      expect(await listing(dir)).toEqual(["mcp_config.json"]);
    });

    test("over its own file in a group it is not in: refused, the group is never lost", async () => {
      const dir = await folder();
      await chmod(dir, 0o777);
      const path = join(dir, "mcp_config.json");
      await writeFile(path, `{"keep": 1}`);
      await chown(path, 65534, 0);
      await chmod(path, 0o664);
      const before = await snapshot(path);
      const r = await cli(["telemetry", "disable", "--config", path], dir);
      expectRefused(
        r,
        1,
        `cannot write ${path}: it belongs to user 65534 and group 0, which a run as user 65534 cannot keep`,
      );
      expect(await snapshot(path)).toEqual(before);
      expect(await listing(dir)).toEqual(["mcp_config.json"]);
    });

    test("a config nobody may read: exit 4, in words, with a hint", async () => {
      const dir = await folder();
      await chmod(dir, 0o777);
      const path = join(dir, "mcp_config.json");
      await writeFile(path, `{"keep": 1}`);
      await chmod(path, 0o600);
      const before = await snapshot(path);
      for (const args of READ_AND_WRITE) {
        const r = await cli([...args, "--config", path], dir);
        expectRefused(r, 4, `cannot read ${path}: permission denied`);
      }
      expect(await snapshot(path)).toEqual(before);
      expect(await listing(dir)).toEqual(["mcp_config.json"]);
    });
  });
}
