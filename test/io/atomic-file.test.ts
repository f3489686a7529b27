import { afterAll, describe, expect, test } from "bun:test";
import { mkdir, readdir, readFile, stat, utimes, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { tempPrefix, writeFileAtomic } from "../../src/io/atomic-file.ts";
import { BUN, ROOT, tempDir } from "../support/cli.ts";

const live = Bun.spawn(["sleep", "600"]);
afterAll(() => live.kill());
const linux = process.platform === "linux";
const tag = (await tempPrefix()).split("-")[2];
const otherTag = tag === "zzzz" ? "zzzy" : "zzzz";
const S = 1000;

/** A child that prints the temp-file prefix it would write with, then exits: a writer now gone. */
async function deadWritersPrefix(): Promise<string> {
  const proc = Bun.spawn(
    [
      BUN,
      "-e",
      `const { tempPrefix } = await import(${JSON.stringify(join(ROOT, "src/io/atomic-file.ts"))}); console.log(await tempPrefix());`,
    ],
    { stdout: "pipe", stderr: "inherit" },
  );
  const out = await new Response(proc.stdout).text();
  expect(await proc.exited).toBe(0);
  return out.trim();
}

const temps = async (dir: string) => (await readdir(dir)).filter((f) => f.endsWith(".tmp")).sort();

describe("writeFileAtomic", () => {
  test("writes the text with the mode, exactly, and leaves nothing beside it", async () => {
    const dir = await tempDir();
    const path = join(dir, "c.json");
    await writeFileAtomic(path, "one\n", 0o640);
    expect(await readFile(path, "utf8")).toBe("one\n");
    expect((await stat(path)).mode & 0o777).toBe(0o640);
    expect(await readdir(dir)).toEqual(["c.json"]);
  });

  test("a temp-file name is short and says whose it is: pid, start, host", async () => {
    const prefix = await tempPrefix();
    expect(prefix).toMatch(new RegExp(`^\\.${process.pid}-[0-9a-z]${linux ? "+" : "*"}-[0-9a-z]{4}-$`));
    expect(prefix.length).toBeLessThan(30);
    expect(await tempPrefix(live.pid)).not.toBe(prefix);
  });

  // Which temp files beside the target the next write removes.
  test.each<[string, "removed" | "kept", () => Promise<string>, number]>([
    ["a dead writer's, fresh", "removed", async () => `${await deadWritersPrefix()}0a1b2c3d.tmp`, 0],
    ["a live writer's, fresh", "kept", async () => `${await tempPrefix(live.pid)}0a1b2c3d.tmp`, 0],
    [
      "a live writer's, 61 s old (past the lock's cap)",
      "removed",
      async () => `${await tempPrefix(live.pid)}0a1b2c3d.tmp`,
      61 * S,
    ],
    ["a live pid's with an unknown start, fresh", "kept", async () => `.${live.pid}--${tag}-0a1b2c3d.tmp`, 0],
    ["another host's, dead pid here, fresh", "kept", async () => `.999999-zz-${otherTag}-0a1b2c3d.tmp`, 0],
    ["another host's, 61 s old", "removed", async () => `.999999-zz-${otherTag}-0a1b2c3d.tmp`, 61 * S],
    ["an older version's name, fresh", "kept", async () => ".999999-k3j2h1x9q.tmp", 0],
    ["an older version's name, 61 s old", "removed", async () => ".999999-k3j2h1x9q.tmp", 61 * S],
    ["someone else's temp file, old", "kept", async () => "c.json.tmp", 3600 * S],
    ["someone else's dotted temp file, old", "kept", async () => ".c.json.swp.tmp", 3600 * S],
  ])("%s is %s by the next write", async (_name, expected, name, ageMs) => {
    const dir = await tempDir();
    const file = await name();
    await writeFile(join(dir, file), "secret");
    const then = new Date(Date.now() - ageMs);
    await utimes(join(dir, file), then, then);
    await writeFileAtomic(join(dir, "c.json"), "{}\n");
    expect(await temps(dir)).toEqual(expected === "kept" ? [file] : []);
  });

  test.if(linux)("a live pid's file whose start differs (the pid was reused) is removed", async () => {
    const dir = await tempDir();
    const right = await tempPrefix(live.pid);
    const ticks = Number.parseInt(right.split("-")[1] ?? "", 36);
    const wrong = `.${live.pid}-${(ticks + 1).toString(36)}-${tag}-0a1b2c3d.tmp`;
    await writeFile(join(dir, wrong), "secret");
    await writeFile(join(dir, `${right}0a1b2c3d.tmp`), "secret");
    await writeFileAtomic(join(dir, "c.json"), "{}\n");
    expect(await temps(dir)).toEqual([`${right}0a1b2c3d.tmp`]);
  });

  test("a folder named like a temp file is left alone", async () => {
    const dir = await tempDir();
    const name = `${await deadWritersPrefix()}0a1b2c3d.tmp`;
    await mkdir(join(dir, name));
    await writeFileAtomic(join(dir, "c.json"), "{}\n");
    expect((await readdir(dir)).sort()).toEqual([name, "c.json"].sort());
  });

  test("a writer killed at any moment leaves the old or the new text, never part; the next write sweeps its temp files", async () => {
    const dir = await tempDir();
    const work = await tempDir();
    const path = join(dir, "c.json");
    const OLD = `${"o".repeat(1 << 20)}\n`;
    await writeFile(path, OLD);
    const script = join(work, "writer.ts");
    await writeFile(
      script,
      `import { writeFileAtomic } from ${JSON.stringify(join(ROOT, "src/io/atomic-file.ts"))};
      const texts = ["a", "b"].map((c) => c.repeat(1 << 20) + "\\n");
      console.log("ready");
      for (let i = 0; ; i++) await writeFileAtomic(${JSON.stringify(path)}, texts[i % 2]);`,
    );
    const whole = new Set([OLD, `${"a".repeat(1 << 20)}\n`, `${"b".repeat(1 << 20)}\n`]);
    let leftBehind = 0;
    for (let trial = 0; trial < 30; trial++) {
      const proc = Bun.spawn([BUN, script], { stdout: "pipe", stderr: "inherit" });
      const reader = proc.stdout.getReader();
      await reader.read();
      await Bun.sleep(Math.random() * 40);
      proc.kill(9);
      await proc.exited;
      expect(whole.has(await readFile(path, "utf8"))).toBe(true);
      const left = (await temps(dir)).filter((f) => f.startsWith(`.${proc.pid}-`));
      for (const f of left) expect((await stat(join(dir, f))).mode & 0o777).toBe(0o600);
      leftBehind += left.length;
    }
    // Killed mid-write most of the time: if none ever left a temp file, this test tested no sweep.
    expect(leftBehind).toBeGreaterThan(0);
    await writeFileAtomic(path, "final\n");
    expect(await readdir(dir)).toEqual(["c.json"]);
    expect(await readFile(path, "utf8")).toBe("final\n");
  });
});
