import { afterAll, describe, expect, test } from "bun:test";
import { closeSync, constants, existsSync, openSync } from "node:fs";
import {
  chmod,
  chown,
  lstat,
  mkdir,
  readdir,
  readFile,
  readlink,
  rm,
  stat,
  symlink,
  writeFile,
} from "node:fs/promises";
import { join } from "node:path";
import { CliError } from "../../src/errors.ts";
import { tooDeepAt } from "../../src/io/config-encoding.ts";
import { MAX_BYTES, readBounded } from "../../src/io/config-file.ts";
import { loadConfig, updateConfig } from "../../src/io/config-store.ts";
import { BUN, IS_ROOT, ROOT, tempDir } from "../support/cli.ts";

describe("loadConfig", () => {
  test("a missing file is an empty config and creates nothing", async () => {
    const dir = await tempDir();
    expect(await loadConfig(join(dir, "none.json"))).toEqual({
      path: join(dir, "none.json"),
      exists: false,
      config: {},
    });
  });
});

describe("updateConfig", () => {
  test("edits nested keys and keeps raw numbers, odd keys and their order", async () => {
    const dir = await tempDir();
    const path = join(dir, "c.json");
    await writeFile(
      path,
      `{"b": 12345678901234567890, "2": 1.50, "a": {"x": [1, {"y": null}], "e": "\\u00e9"}, "telemetry": null}`,
    );
    await updateConfig(path, () => [{ path: ["telemetry", "enabled"], value: false }]);
    expect(await readFile(path, "utf8")).toBe(
      `{\n  "b": 12345678901234567890,\n  "2": 1.50,\n  "a": {\n    "x": [\n      1,\n      {\n        "y": null\n      }\n    ],\n    "e": "\\u00e9"\n  },\n  "telemetry": {\n    "enabled": false\n  }\n}\n`,
    );
  });

  test("writes through a symlink, keeping the link", async () => {
    const dir = await tempDir();
    const real = join(dir, "real.json");
    await writeFile(real, "{}");
    await symlink(real, join(dir, "link.json"));
    await updateConfig(join(dir, "link.json"), () => [{ path: ["k"], value: 1 }]);
    expect(await readlink(join(dir, "link.json"))).toBe(real);
    expect(JSON.parse(await readFile(real, "utf8"))).toEqual({ k: 1 });
  });

  test("twenty processes changing different keys at once lose none of the changes", async () => {
    const dir = await tempDir();
    const path = join(dir, "mcp_config.json");
    await writeFile(path, `{"keep": "me"}\n`);
    const script = `import { updateConfig } from ${JSON.stringify(join(ROOT, "src/io/config-store.ts"))};
      const i = process.argv[2];
      await updateConfig(${JSON.stringify(path)}, () => [{ path: ["servers_" + i, "value"], value: Number(i) }]);`;
    const file = join(dir, "writer.ts");
    await writeFile(file, script);
    const procs = Array.from({ length: 20 }, (_, i) => Bun.spawn([BUN, file, String(i)], { stderr: "pipe" }));
    const codes = await Promise.all(procs.map((p) => p.exited));
    expect(codes).toEqual(Array(20).fill(0));
    const result = JSON.parse(await readFile(path, "utf8"));
    expect(result.keep).toBe("me");
    for (let i = 0; i < 20; i++) expect(result[`servers_${i}`]).toEqual({ value: i });
  });
});

// The big files below (16 and 17 MiB) are removed after the file's tests, unlike the small ones above.
const scratchDirs: string[] = [];
afterAll(() => Promise.all(scratchDirs.map((dir) => rm(dir, { recursive: true, force: true }))));
async function scratch() {
  const dir = await tempDir();
  scratchDirs.push(dir);
  return dir;
}

// Hostile files: each is refused with exit 4 and one line that says what it is; the file stays as it was.
async function refusal(work: Promise<unknown>, ms = 5_000): Promise<CliError> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const hung = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`still running after ${ms} ms`)), ms);
  });
  try {
    const error = await Promise.race([
      work.then(
        () => null,
        (e: unknown) => e,
      ),
      hung,
    ]);
    expect(error).toBeInstanceOf(CliError);
    const cli = error as CliError;
    expect(cli.message).not.toContain("\n");
    expect(cli.hint).toBeTruthy();
    expect(cli.stack).toBeDefined();
    return cli;
  } finally {
    clearTimeout(timer);
  }
}

async function snapshot(path: string) {
  const info = await stat(path);
  return { bytes: await readFile(path), mtimeMs: info.mtimeMs, mode: info.mode, uid: info.uid };
}

/** A reader stuck on a FIFO waits for a writer: give it one so a regression fails instead of hanging. */
function unblock(fifo: string) {
  try {
    closeSync(openSync(fifo, constants.O_WRONLY | constants.O_NONBLOCK));
  } catch {}
}

const both = (path: string) =>
  [
    ["loadConfig", () => loadConfig(path)],
    ["updateConfig", () => updateConfig(path, () => [{ path: ["telemetry", "enabled"], value: false }])],
  ] as const;

describe("what counts as a config", () => {
  test("a FIFO: exit 4 at once, never opened for writing, no lock left", async () => {
    const dir = await scratch();
    const fifo = join(dir, "mcp_config.json");
    expect(Bun.spawnSync(["mkfifo", fifo]).exitCode).toBe(0);
    try {
      for (const [, call] of both(fifo)) {
        const error = await refusal(call());
        expect([error.exitCode, error.message]).toEqual([
          4,
          `${fifo} is a FIFO (named pipe), not a config file`,
        ]);
      }
    } finally {
      unblock(fifo);
    }
    expect(await readdir(dir)).toEqual(["mcp_config.json"]);
    expect((await lstat(fifo)).isFIFO()).toBe(true);
  });

  test("a FIFO swapped in after the stat: the read opens without waiting and refuses it", async () => {
    const dir = await scratch();
    const fifo = join(dir, "swapped");
    expect(Bun.spawnSync(["mkfifo", fifo]).exitCode).toBe(0);
    try {
      const error = await refusal(readBounded(fifo));
      expect(error.message).toBe(`${fifo} is a FIFO (named pipe), not a config file`);
    } finally {
      unblock(fifo);
    }
  });

  test.each([
    ["/dev/zero", "/dev/zero is a character device, not a config file"],
    ["/dev/null", "/dev/null is a character device, not a config file"],
    ["/dev/stdin", "/dev/stdin is standard input, not a config file"],
    ["/proc/self/fd/0", "/proc/self/fd/0 is an open file descriptor (a pipe or <(…)), not a config file"],
    ["/dev/fd/0", "/dev/fd/0 is an open file descriptor (a pipe or <(…)), not a config file"],
  ])("%s: exit 4, one line, and the process's streams are never written", async (path, message) => {
    const dir = await scratch();
    for (const [, call] of both(path)) {
      const error = await refusal(call());
      expect([error.exitCode, error.message]).toEqual([4, message]);
    }
    // The old bug: realpath of a /proc fd link is "pipe:[N]", a stray file in the working folder.
    expect(await readdir(dir)).toEqual([]);
    expect(existsSync(join(process.cwd(), "pipe:"))).toBe(false);
  });

  test("a symlink to /dev/stdin is refused like /dev/stdin", async () => {
    const dir = await scratch();
    await symlink("/dev/stdin", join(dir, "c.json"));
    const error = await refusal(loadConfig(join(dir, "c.json")));
    expect(error.message).toBe(`${join(dir, "c.json")} is standard input, not a config file`);
  });

  test("a socket", async () => {
    const dir = await scratch();
    const path = join(dir, "mcp_config.json");
    const { createServer } = await import("node:net");
    const server = createServer();
    await new Promise<void>((ok) => server.listen(path, ok));
    try {
      for (const [, call] of both(path)) {
        const error = await refusal(call());
        expect([error.exitCode, error.message]).toEqual([4, `${path} is a socket, not a config file`]);
      }
      expect(await readdir(dir)).toEqual(["mcp_config.json"]);
    } finally {
      server.close();
    }
  });

  test("a folder, and a path ending in /", async () => {
    const dir = await scratch();
    const folder = join(dir, "mcp_config.json");
    await mkdir(folder);
    await writeFile(join(dir, "file.json"), "{}");
    for (const [, call] of both(folder)) {
      const error = await refusal(call());
      expect([error.exitCode, error.message]).toEqual([4, `${folder} is a folder, not a config file`]);
    }
    for (const path of [`${folder}/`, `${join(dir, "file.json")}/`, `${join(dir, "new.json")}/`]) {
      for (const [, call] of both(path)) {
        const error = await refusal(call());
        expect([error.exitCode, error.message]).toEqual([
          4,
          `${path} is a path ending in "/" (a folder), not a config file`,
        ]);
      }
    }
    expect((await readdir(dir)).sort()).toEqual(["file.json", "mcp_config.json"]);
    expect(await readdir(folder)).toEqual([]);
  });

  test("a symlink loop: exit 4, said in words, no lock left", async () => {
    const dir = await scratch();
    await symlink(join(dir, "b"), join(dir, "a"));
    await symlink(join(dir, "a"), join(dir, "b"));
    for (const [, call] of both(join(dir, "a"))) {
      const error = await refusal(call());
      expect([error.exitCode, error.message]).toEqual([
        4,
        `cannot read ${join(dir, "a")}: too many symbolic links (a symlink loop)`,
      ]);
      expect(error.message).not.toContain("ELOOP");
    }
    expect((await readdir(dir)).sort()).toEqual(["a", "b"]);
  });

  test("a part of the path is a file: names that file", async () => {
    const dir = await scratch();
    await writeFile(join(dir, "data"), "not a folder");
    const path = join(dir, "data", "mcp_config.json");
    for (const [, call] of both(path)) {
      const error = await refusal(call());
      expect([error.exitCode, error.message]).toEqual([
        4,
        `cannot read ${path}: ${join(dir, "data")} is a file, not a folder`,
      ]);
    }
    expect(await readFile(join(dir, "data"), "utf8")).toBe("not a folder");
  });

  test("a name too long: exit 4 to read; exit 1 when only the lock beside it is too long", async () => {
    const dir = await scratch();
    const long = join(dir, "a".repeat(300));
    for (const [, call] of both(long)) {
      const error = await refusal(call());
      expect([error.exitCode, error.message]).toEqual([4, `cannot read ${long}: the path is too long`]);
    }
    const almost = join(dir, "b".repeat(252));
    const error = await refusal(updateConfig(almost, () => [{ path: ["k"], value: 1 }]));
    expect(error.exitCode).toBe(1);
    expect(error.message).toStartWith(`cannot write ${almost}: the path is too long`);
    expect(await readdir(dir)).toEqual([]);
  });

  test("16 MiB is the most a config may hold: one byte more is refused with the size", async () => {
    const dir = await scratch();
    const path = join(dir, "c.json");
    await writeFile(path, `{}${" ".repeat(MAX_BYTES - 2)}`);
    expect((await loadConfig(path)).config).toEqual({});
    await writeFile(path, `{}${" ".repeat(MAX_BYTES - 1)}`);
    const before = await snapshot(path);
    for (const [, call] of both(path)) {
      const error = await refusal(call());
      expect([error.exitCode, error.message]).toEqual([
        4,
        `${path} is 16,777,217 bytes; a config file may be at most 16 MiB`,
      ]);
    }
    expect(await snapshot(path)).toEqual(before);
  });

  test("a 17 MiB file is refused before it is read, and nothing is left beside it", async () => {
    const dir = await scratch();
    const path = join(dir, "c.json");
    await writeFile(path, `{"a": "${"x".repeat(17 * 1024 * 1024)}"}`);
    const before = await snapshot(path);
    for (const [, call] of both(path)) {
      const error = await refusal(call());
      expect([error.exitCode, error.message]).toEqual([
        4,
        `${path} is 17.0 MiB; a config file may be at most 16 MiB`,
      ]);
    }
    expect(await snapshot(path)).toEqual(before);
    expect(await readdir(dir)).toEqual(["c.json"]);
  });
});

describe("what a config holds: UTF-8, at most 1,000 levels deep", () => {
  test("bytes that are not UTF-8: exit 4 with line, column and offset; the file is untouched", async () => {
    const dir = await scratch();
    const path = join(dir, "c.json");
    await writeFile(path, Buffer.from('{"mcpServers": [\n  {"name": "caf\xe9"}]}\n', "latin1"));
    const before = await snapshot(path);
    for (const [, call] of both(path)) {
      const error = await refusal(call());
      expect([error.exitCode, error.message]).toEqual([4, `${path}:2:16: not UTF-8: byte 0xE9 at offset 32`]);
      expect(error.hint).toContain("UTF-8");
    }
    expect(await snapshot(path)).toEqual(before);
  });

  test.each([
    ["UTF-16 with a little-endian BOM", [0xff, 0xfe, 0x7b, 0, 0x7d, 0], "UTF-16 (little-endian)"],
    ["UTF-16 with a big-endian BOM", [0xfe, 0xff, 0, 0x7b, 0, 0x7d], "UTF-16 (big-endian)"],
    ["UTF-16 without a BOM", [0x7b, 0, 0x7d, 0, 0x0a, 0], "UTF-16 (little-endian)"],
    ["UTF-32 with a BOM", [0xff, 0xfe, 0, 0, 0x7b, 0, 0, 0], "UTF-32 (little-endian)"],
  ])("%s: says so, exit 4, untouched", async (_, bytes, encoding) => {
    const dir = await scratch();
    const path = join(dir, "c.json");
    await writeFile(path, new Uint8Array(bytes));
    const before = await snapshot(path);
    for (const [, call] of both(path)) {
      const error = await refusal(call());
      expect([error.exitCode, error.message]).toEqual([
        4,
        `${path} is ${encoding}; a config file must be UTF-8`,
      ]);
    }
    expect(await snapshot(path)).toEqual(before);
  });

  test("a UTF-8 byte order mark is refused as JSON (RFC 8259), as the Go edition refuses it", async () => {
    const dir = await scratch();
    const path = join(dir, "c.json");
    await writeFile(path, "\uFEFF{}");
    const before = await snapshot(path);
    for (const [, call] of both(path)) {
      const error = await refusal(call());
      expect([error.exitCode, error.message]).toEqual([
        4,
        `${path}:1:1: invalid JSON: the file starts with a byte order mark`,
      ]);
    }
    expect(await snapshot(path)).toEqual(before);
  });

  // Depth counts [ and {: `{"a": [[1]]}` is 3 levels deep. Each level mixes objects and lists.
  const nested = (depth: number) => {
    let open = "";
    let close = "";
    // The root, mcpServers, the server and oauth are the first 4 levels.
    for (let i = 1; i <= depth - 4; i++) {
      open += i % 2 ? `{"k${i}": ` : "[0, ";
      close = (i % 2 ? "}" : "]") + close;
    }
    return `{"telemetry": {"enabled": true}, "mcpServers": [{"name": "s", "oauth": {"deep": ${open}"end"${close}}}]}`;
  };

  test("1,000 levels deep is read, edited and written with every value kept", async () => {
    const dir = await scratch();
    const path = join(dir, "c.json");
    const text = nested(1000);
    expect(tooDeepAt(text)).toBe(-1);
    expect(tooDeepAt(text, 999)).toBeGreaterThan(0);
    await writeFile(path, text);
    expect((await loadConfig(path)).config.telemetry?.enabled).toBe(true);
    await updateConfig(path, () => [{ path: ["telemetry", "enabled"], value: false }]);
    const expected = JSON.parse(text);
    expected.telemetry.enabled = false;
    expect(await readFile(path, "utf8")).toBe(`${JSON.stringify(expected, null, 2)}\n`);
  });

  test("1,001 levels deep: exit 4 where it passes the limit, untouched", async () => {
    const dir = await scratch();
    const path = join(dir, "c.json");
    await writeFile(path, nested(1001));
    const before = await snapshot(path);
    for (const [, call] of both(path)) {
      const error = await refusal(call());
      expect(error.exitCode).toBe(4);
      expect(error.message).toMatch(
        new RegExp(`^${path}:1:\\d+: invalid JSON: nested more than 1,000 levels deep$`),
      );
    }
    expect(await snapshot(path)).toEqual(before);
  });

  test("10,000 levels deep gets the same answer on every run", async () => {
    const dir = await scratch();
    const path = join(dir, "c.json");
    await writeFile(path, `{"a": ${"[".repeat(10_000)}${"]".repeat(10_000)}}`);
    const before = await snapshot(path);
    const answers = new Set<string>();
    for (let run = 0; run < 10; run++) {
      for (const [name, call] of both(path)) {
        const error = await refusal(call());
        answers.add(`${name} ${error.exitCode} ${error.message}`);
      }
    }
    expect([...answers]).toEqual([
      `loadConfig 4 ${path}:1:1006: invalid JSON: nested more than 1,000 levels deep`,
      `updateConfig 4 ${path}:1:1006: invalid JSON: nested more than 1,000 levels deep`,
    ]);
    expect(await snapshot(path)).toEqual(before);
  });

  test("a file that indenting would push past 16 MiB is refused, not written", async () => {
    const dir = await scratch();
    const path = join(dir, "c.json");
    // 20 kB on disk: 10,000 values, each of which would be written behind 900 levels of indent (18 MB).
    await writeFile(path, `{"a": ${"[".repeat(900)}${"0,".repeat(10_000)}0${"]".repeat(900)}}`);
    const before = await snapshot(path);
    const error = await refusal(updateConfig(path, () => [{ path: ["k"], value: 1 }]));
    expect([error.exitCode, error.message]).toEqual([
      4,
      `${path}: once written 2-space indented, the file would be over 16 MiB`,
    ]);
    expect(await snapshot(path)).toEqual(before);
    expect(await readdir(dir)).toEqual(["c.json"]);
  });
});

describe.if(IS_ROOT)("owner, group and mode are kept (as root)", () => {
  test("a run as root over a user's file gives the new file back to that user, with its mode", async () => {
    const dir = await scratch();
    const path = join(dir, "mcp_config.json");
    await writeFile(path, `{"keep": 1}`);
    await chown(dir, 65534, 65534);
    await chown(path, 65534, 65534);
    await chmod(path, 0o640);
    await updateConfig(path, () => [{ path: ["telemetry", "enabled"], value: false }]);
    const info = await stat(path);
    expect([info.uid, info.gid, info.mode & 0o7777]).toEqual([65534, 65534, 0o640]);
    expect(JSON.parse(await readFile(path, "utf8"))).toEqual({ keep: 1, telemetry: { enabled: false } });
  });

  test("a new file and folders root creates go to the owner of the folder above", async () => {
    const dir = await scratch();
    await chown(dir, 65534, 65534);
    const path = join(dir, "a", "b", "mcp_config.json");
    await updateConfig(path, () => [{ path: ["k"], value: 1 }]);
    for (const p of [join(dir, "a"), join(dir, "a", "b"), path]) {
      const info = await stat(p);
      expect([p, info.uid, info.gid]).toEqual([p, 65534, 65534]);
    }
    expect((await stat(join(dir, "a"))).mode & 0o777).toBe(0o700);
    expect((await stat(path)).mode & 0o777).toBe(0o600);
  });
});
