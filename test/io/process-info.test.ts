import { describe, expect, test } from "bun:test";
import { readFile, symlink } from "node:fs/promises";
import { join } from "node:path";
import { isAlive, ownStart, processStart } from "../../src/io/process-info.ts";
import { tempDir } from "../support/cli.ts";

const exited = Bun.spawn(["true"]);
await exited.exited;
const linux = process.platform === "linux";

describe("isAlive", () => {
  test.each<[string, number, boolean]>([
    ["this process", process.pid, true],
    ["pid 1", 1, true],
    ["a process that exited", exited.pid, false],
    // kill(0) and kill(-1) would ask about whole process groups: never a yes.
    ["0", 0, false],
    ["-1", -1, false],
    ["1.5", 1.5, false],
    ["NaN", Number.NaN, false],
    ["past the pid range", 2 ** 31, false],
  ])("%s: %p", (_name, pid, expected) => {
    expect(isAlive(pid)).toBe(expected);
  });
});

describe.if(linux)("processStart", () => {
  test("carries this boot's id, and is the same on every read", async () => {
    const boot = (await readFile("/proc/sys/kernel/random/boot_id", "utf8")).trim();
    const start = await processStart(process.pid);
    expect(start?.boot).toBe(boot);
    expect(start?.ticks).toMatch(/^\d+$/);
    expect(await processStart(process.pid)).toEqual(start);
    expect(await ownStart()).toEqual(start);
  });

  test("a process that is gone, or no pid, has none", async () => {
    expect(await processStart(exited.pid)).toBeUndefined();
    expect(await processStart(0)).toBeUndefined();
    expect(await processStart(-1)).toBeUndefined();
  });

  test("a command name with spaces and parens does not shift the fields", async () => {
    const dir = await tempDir();
    // 15 characters survive in /proc's command name; these would pass for fields if parsing began at the first ")".
    const odd = join(dir, "z) S 1 2 3 4 5 6 (");
    await symlink(Bun.which("sleep") ?? "/bin/sleep", odd);
    const ticks = async (pid: number) => Number((await processStart(pid))?.ticks);
    const before = Bun.spawn(["sleep", "5"]);
    const first = await ticks(before.pid);
    const weird = Bun.spawn([odd, "5"]);
    // Wait until the exec has happened: /proc shows the new name only then.
    while (!(await readFile(`/proc/${weird.pid}/stat`, "utf8")).includes("z) S 1")) await Bun.sleep(5);
    const middle = await ticks(weird.pid);
    const after = Bun.spawn(["sleep", "5"]);
    const last = await ticks(after.pid);
    for (const p of [before, weird, after]) p.kill();
    expect(Number.isInteger(middle)).toBe(true);
    expect([first <= middle, middle <= last, (await ticks(1)) <= first]).toEqual([true, true, true]);
  });
});
