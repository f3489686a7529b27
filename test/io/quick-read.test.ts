import { afterAll, describe, expect, test } from "bun:test";
import { chmod, mkdir, rm, symlink, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { join } from "node:path";
import { holdsNoBytes, pathExists, quickRead, readText, statPath } from "../../src/io/quick-read.ts";
import { runnableAt } from "../../src/runtime.ts";
import { tempDir } from "../support/cli.ts";

const linux = process.platform === "linux";
const dirs: string[] = [];
afterAll(() => Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true }))));

async function scratch() {
  const dir = await tempDir("mcpx-quick-");
  dirs.push(dir);
  await writeFile(join(dir, "plain.json"), '{"a":1}\n');
  await writeFile(join(dir, "empty.json"), "");
  await writeFile(join(dir, "big.json"), "x".repeat(100));
  await mkdir(join(dir, "folder"));
  await writeFile(join(dir, "folder", "inside"), "x");
  return dir;
}

describe("quickRead", () => {
  test("a plain small file's bytes; nothing there is absent", async () => {
    const dir = await scratch();
    expect(new TextDecoder().decode((await quickRead(join(dir, "plain.json"), 64)) as Uint8Array)).toBe(
      '{"a":1}\n',
    );
    expect(await quickRead(join(dir, "missing.json"), 64)).toBe("absent");
  });

  // Undefined sends the caller to its careful node:fs reader, which names what the path is.
  test.each([
    ["an empty file (a /proc file states no size either)", "empty.json"],
    ["a file larger than the bound", "big.json"],
    ["a folder", "folder"],
    ["a path through a file", "plain.json/x"],
  ])("%s: left to the careful reader", async (_name, name) => {
    const dir = await scratch();
    expect(await quickRead(join(dir, name), 64)).toBeUndefined();
  });

  test.if(linux)("a FIFO, a device and a /proc file: left to the careful reader, never read", async () => {
    const dir = await scratch();
    const fifo = join(dir, "fifo");
    expect(Bun.spawnSync(["mkfifo", fifo]).exitCode).toBe(0);
    // A read of the FIFO would wait for a writer forever; the test's own timeout would catch that.
    expect(await quickRead(fifo, 64)).toBeUndefined();
    expect(await quickRead("/dev/zero", 64)).toBeUndefined();
    expect(await quickRead("/proc/self/status", 1 << 20)).toBeUndefined();
  });

  test.if(linux)("a socket: left to the careful reader", async () => {
    const dir = await scratch();
    const path = join(dir, "sock");
    const server = createServer();
    await new Promise<void>((ok) => server.listen(path, ok));
    try {
      expect(await quickRead(path, 64)).toBeUndefined();
      expect(holdsNoBytes(path)).toBe(false);
    } finally {
      server.close();
    }
  });
});

describe("readText", () => {
  test("as readFile: a BOM kept, a bad byte replaced, a missing file ENOENT", async () => {
    const dir = await scratch();
    await writeFile(join(dir, "bom.json"), new Uint8Array([0xef, 0xbb, 0xbf, 0x7b, 0xff, 0x7d]));
    expect(await readText(join(dir, "bom.json"), 64)).toBe("\uFEFF{\uFFFD}");
    expect(await readText(join(dir, "empty.json"), 64)).toBe("");
    expect(await readText(join(dir, "missing.json"), 64).catch((e) => e.code)).toBe("ENOENT");
    expect(await readText(join(dir, "folder"), 64).catch((e) => e.code)).toBe("EISDIR");
  });
});

describe("holdsNoBytes, statPath, pathExists", () => {
  test("no bytes: nothing there, an empty file; bytes: a file with some, a folder with entries", async () => {
    const dir = await scratch();
    expect(holdsNoBytes(join(dir, "missing.json"))).toBe(true);
    expect(holdsNoBytes(join(dir, "empty.json"))).toBe(true);
    expect(holdsNoBytes(join(dir, "plain.json"))).toBe(false);
    expect(holdsNoBytes(join(dir, "folder"))).toBe(false);
  });

  test("stat follows the path; existence of any kind of file", async () => {
    const dir = await scratch();
    const info = await statPath(join(dir, "plain.json"));
    expect([info.isFile(), info.size]).toEqual([true, 8]);
    expect((await statPath(join(dir, "folder"))).isFile()).toBe(false);
    expect(await pathExists(join(dir, "folder"))).toBe(true);
    expect(await pathExists(join(dir, "empty.json"))).toBe(true);
    expect(await pathExists(join(dir, "missing.json"))).toBe(false);
    expect(await statPath(join(dir, "missing.json")).catch((e) => e.code)).toBe("ENOENT");
  });

  test.if(linux)(
    "existence without a read: a dangling link and a path through a file do not exist",
    async () => {
      const dir = await scratch();
      await symlink(join(dir, "gone"), join(dir, "dangling"));
      await symlink(join(dir, "empty.json"), join(dir, "to-empty"));
      expect(await pathExists(join(dir, "dangling"))).toBe(false);
      expect(await pathExists(join(dir, "plain.json/x"))).toBe(false);
      expect(await pathExists(join(dir, "to-empty"))).toBe(true);
      expect(await pathExists("/dev/null")).toBe(true);
    },
  );
});

describe("runnableAt", () => {
  test.if(linux)(
    "a file with an x bit, through a link too; not a plain file, a folder, a FIFO or nothing",
    async () => {
      const dir = await scratch();
      await writeFile(join(dir, "tool"), "#!/bin/sh\n");
      await chmod(join(dir, "tool"), 0o755);
      await symlink(join(dir, "tool"), join(dir, "tool-link"));
      await chmod(join(dir, "folder"), 0o755);
      expect(Bun.spawnSync(["mkfifo", "-m", "755", join(dir, "fifo")]).exitCode).toBe(0);
      expect(runnableAt(join(dir, "tool"))).toBe(true);
      expect(runnableAt(join(dir, "tool-link"))).toBe(true);
      for (const name of ["plain.json", "folder", "fifo", "missing"])
        expect(runnableAt(join(dir, name))).toBe(false);
    },
  );

  test("a relative path is left to stat: which would look it up on PATH", () => {
    expect(runnableAt("sh")).toBeUndefined();
    expect(runnableAt("./tool")).toBeUndefined();
  });
});
