import { describe, expect, test } from "bun:test";
import { mkdir, readdir, utimes, writeFile } from "node:fs/promises";
import { hostname } from "node:os";
import { join } from "node:path";
import { withLock } from "../../src/io/lock.ts";
import { tempDir } from "../support/cli.ts";

const holderFile = (path: string, pid: number, host = hostname()) =>
  writeFile(`${path}.lock`, JSON.stringify({ pid, host, token: "other" }));
const age = async (path: string, ms: number) => {
  const then = new Date(Date.now() - ms);
  await utimes(`${path}.lock`, then, then);
};

describe("withLock", () => {
  test("a lock of a live process is never broken, however old; we give up with its pid", async () => {
    const dir = await tempDir();
    const path = join(dir, "c.json");
    const live = Bun.spawn(["sleep", "30"]);
    try {
      await holderFile(path, live.pid);
      await age(path, 60_000);
      let ran = false;
      const error = await withLock(path, async () => (ran = true), 300).catch((e) => e);
      expect(ran).toBe(false);
      expect(error.message).toBe(`${path} is locked by process ${live.pid}`);
      expect(error.hint).toContain(`${path}.lock`);
    } finally {
      live.kill();
    }
  });

  test("a lock of a dead process on this host is broken at once", async () => {
    const dir = await tempDir();
    const path = join(dir, "c.json");
    const dead = Bun.spawn(["true"]);
    await dead.exited;
    await holderFile(path, dead.pid);
    expect(await withLock(path, async () => "ran", 300)).toBe("ran");
    expect(await readdir(dir)).toEqual([]);
  });

  test("another host's lock is trusted until it is old", async () => {
    const dir = await tempDir();
    const path = join(dir, "c.json");
    await holderFile(path, 1, "some-other-host");
    expect(await withLock(path, async () => "ran", 300).catch((e) => e.message)).toContain("is locked");
    await age(path, 60_000);
    expect(await withLock(path, async () => "ran", 300)).toBe("ran");
  });

  test("a folder where the lock should be is a clear error", async () => {
    const dir = await tempDir();
    const path = join(dir, "c.json");
    await mkdir(`${path}.lock`);
    const error = await withLock(path, async () => "ran", 300).catch((e) => e);
    expect(error.message).toBe(`${path}.lock is a folder, not a lock file`);
  });
});
