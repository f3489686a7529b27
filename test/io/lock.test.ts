import { afterAll, describe, expect, test } from "bun:test";
import { existsSync } from "node:fs";
import {
  chmod,
  mkdir,
  mkdtemp,
  readdir,
  readFile,
  rm,
  stat,
  symlink,
  utimes,
  writeFile,
} from "node:fs/promises";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { CliError } from "../../src/errors.ts";
import { findStaleLocks, LockBusy, withLock } from "../../src/io/lock.ts";
import { processStart } from "../../src/io/process-info.ts";
import { BUN, nobodyCanRun, ROOT, SOURCE, tempDir } from "../support/cli.ts";

const HOST = hostname();
const holderFile = (path: string, pid: number, host = HOST) =>
  writeFile(`${path}.lock`, JSON.stringify({ pid, host, token: "other" }));
const age = async (path: string, ms: number) => {
  const then = new Date(Date.now() - ms);
  await utimes(`${path}.lock`, then, then);
};
const lockAt = async (path: string, text: string | Uint8Array, ageMs: number) => {
  await writeFile(`${path}.lock`, text);
  await age(path, ageMs);
};

// Processes the rules are tried against: one that lives through the file, one that is gone.
const live = Bun.spawn(["sleep", "600"]);
afterAll(() => live.kill());
const exited = Bun.spawn(["true"]);
await exited.exited;
const DEAD = exited.pid;
const markOf = async (pid: number) => {
  const s = await processStart(pid);
  return s && `${s.boot}:${s.ticks}`;
};
const LIVE_START = await markOf(live.pid);
const ONE_START = await markOf(1);
const linux = process.platform === "linux";
const S = 1000;
// Root reads any file, so as root the unreadable-lock test runs in a child dropped to nobody.
const nobodyReaches = await nobodyCanRun(SOURCE);
const setpriv = process.getuid?.() === 0 ? Bun.which("setpriv") : null;
const record = (fields: object) => JSON.stringify({ host: HOST, token: "t", ...fields });

// Tries the lock with a short bound: "broken" means the work ran, "respected" that we gave up.
async function attempt(
  path: string,
  bound = 300,
): Promise<{ outcome: string; error?: CliError; ms: number }> {
  const started = performance.now();
  const result: unknown = await withLock(path, async () => "broken", bound).catch((e: CliError) => e);
  const ms = performance.now() - started;
  return result instanceof CliError
    ? { outcome: "respected", error: result, ms }
    : { outcome: String(result), ms };
}

describe("withLock", () => {
  test("a fresh lock of a live process is respected; we give up after the bound, naming lock, holder and cure", async () => {
    const dir = await tempDir();
    const path = join(dir, "c.json");
    await holderFile(path, live.pid);
    await age(path, 5 * S);
    let ran = false;
    const error = await withLock(path, async () => (ran = true), 300).catch((e) => e);
    expect(ran).toBe(false);
    expect(error).toBeInstanceOf(CliError);
    expect(error.exitCode).toBe(1);
    expect(error.message).toBe(
      `${path} is locked: process ${live.pid} on host ${JSON.stringify(HOST)} holds ${path}.lock, taken 5 s ago`,
    );
    expect(error.hint).toBe(
      `wait for it to finish; if no mcpproxy is running, delete the lock file ${path}.lock`,
    );
    expect(await readFile(`${path}.lock`, "utf8")).toBe(
      JSON.stringify({ pid: live.pid, host: HOST, token: "other" }),
    );
  });

  test("a lock of a dead process on this host is broken at once", async () => {
    const dir = await tempDir();
    const path = join(dir, "c.json");
    await holderFile(path, DEAD);
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

  test.each<[string, (lock: string) => Promise<unknown>]>([
    ["a symlink", (lock) => symlink("/dev/zero", lock)],
    ["a FIFO", (lock) => Bun.spawn(["mkfifo", lock]).exited],
  ])("%s where the lock should be is a clear error, not an endless read", async (_name, make) => {
    const dir = await tempDir();
    const path = join(dir, "c.json");
    await make(`${path}.lock`);
    const error = await withLock(path, async () => "ran", 300).catch((e) => e);
    expect([error.message, error.exitCode]).toEqual([`${path}.lock is not a lock file`, 1]);
  });

  test.each<[string, () => string | Uint8Array, number, "broken" | "respected"]>([
    ["dead pid, this host", () => record({ pid: DEAD }), 0, "broken"],
    ["live pid, its start, fresh", () => record({ pid: live.pid, start: LIVE_START }), 0, "respected"],
    [
      "live pid, no start (an older version's lock), fresh",
      () => record({ pid: live.pid }),
      30 * S,
      "respected",
    ],
    [
      "pid 1, no start, an hour old (pid reused after a reboot)",
      () => record({ pid: 1 }),
      3600 * S,
      "broken",
    ],
    [
      "live pid, its start, but 61 s old",
      () => record({ pid: live.pid, start: LIVE_START }),
      61 * S,
      "broken",
    ],
    [
      "live pid dated 2 min in the future",
      () => record({ pid: live.pid, start: LIVE_START }),
      -120 * S,
      "broken",
    ],
    ["another host, fresh", () => record({ pid: DEAD, host: "elsewhere" }), 30 * S, "respected"],
    ["another host, 61 s old", () => record({ pid: live.pid, host: "elsewhere" }), 61 * S, "broken"],
    ["token {} (the lock that spun), fresh", () => record({ pid: 999999, token: {} }), 5 * S, "respected"],
    ["token {}, 11 s old", () => record({ pid: 999999, token: {} }), 11 * S, "broken"],
    ['pid "1", fresh', () => record({ pid: "1" }), 5 * S, "respected"],
    ['pid "1", 11 s old', () => record({ pid: "1" }), 11 * S, "broken"],
    ["pid 0, 11 s old", () => record({ pid: 0 }), 11 * S, "broken"],
    ["start a number, fresh", () => record({ pid: live.pid, start: 5 }), 5 * S, "respected"],
    ["empty file, fresh", () => "", 5 * S, "respected"],
    ["empty file, 11 s old", () => "", 11 * S, "broken"],
    ["random bytes, fresh", () => Uint8Array.from([0xff, 0, 0x7b, 0x9b, 0x22]), 5 * S, "respected"],
    ["random bytes, 11 s old", () => Uint8Array.from([0xff, 0, 0x7b, 0x9b, 0x22]), 11 * S, "broken"],
    ["a record past 4 KiB, 11 s old", () => record({ pid: DEAD, pad: "x".repeat(5000) }), 11 * S, "broken"],
  ])("%s", async (_name, text, ageMs, expected) => {
    const dir = await tempDir();
    const path = join(dir, "c.json");
    await lockAt(path, text(), ageMs);
    const before = await readFile(`${path}.lock`);
    const { outcome, error } = await attempt(path);
    expect(outcome).toBe(expected);
    if (expected === "respected") {
      expect(error?.message).toStartWith(`${path} is locked: `);
      expect(error?.message).toContain(`${path}.lock`);
      expect(await readFile(`${path}.lock`)).toEqual(before);
    } else {
      expect(await readdir(dir)).toEqual([]);
    }
  });

  test.if(linux)(
    "a live pid whose start differs is another process that reused it: broken at once",
    async () => {
      const dir = await tempDir();
      const path = join(dir, "c.json");
      const [boot, ticks] = (ONE_START ?? "").split(":");
      for (const start of [`${boot}:${Number(ticks) + 1}`, `00000000-0000-4000-8000-000000000000:${ticks}`]) {
        await lockAt(path, record({ pid: 1, start }), 0);
        expect((await attempt(path)).outcome).toBe("broken");
      }
      await lockAt(path, record({ pid: 1, start: ONE_START }), 0);
      expect((await attempt(path)).outcome).toBe("respected");
    },
  );

  test("an unparsable lock is named as such when we give up", async () => {
    const dir = await tempDir();
    const path = join(dir, "c.json");
    await lockAt(path, "garbage", 3 * S);
    const { error } = await attempt(path, 200);
    expect(error?.message).toBe(
      `${path} is locked: ${path}.lock holds no valid lock record (written 3 s ago)`,
    );
  });

  test("control characters in a lock's host are escaped in the message", async () => {
    const dir = await tempDir();
    const path = join(dir, "c.json");
    await lockAt(path, record({ pid: 1, host: "evil\u001b[31m\u009b2J" }), 0);
    const { error } = await attempt(path, 200);
    expect(error?.message).toContain('host "evil\\u001b[31m\\u009b2J" holds');
  });

  test("a lock replaced while we worked (ours was broken) is left to its new holder", async () => {
    const dir = await tempDir();
    const path = join(dir, "c.json");
    const theirs = record({ pid: live.pid });
    await withLock(path, async () => writeFile(`${path}.lock`, theirs), 300);
    expect(await readFile(`${path}.lock`, "utf8")).toBe(theirs);
  });

  test("the lock is released when the work throws", async () => {
    const dir = await tempDir();
    const path = join(dir, "c.json");
    const error = await withLock(path, async () => Promise.reject(new Error("boom")), 300).catch((e) => e);
    expect(error.message).toBe("boom");
    expect(await readdir(dir)).toEqual([]);
  });

  test("a break guard left by a killed breaker does not block the next breaker", async () => {
    const dir = await tempDir();
    const path = join(dir, "c.json");
    await holderFile(path, DEAD);
    await writeFile(`${path}.lock.break`, record({ pid: DEAD }));
    expect(await withLock(path, async () => "ran", 300)).toBe("ran");
    expect(await readdir(dir)).toEqual([]);
  });
});

describe("withLock across processes", () => {
  async function child(dir: string, body: string): Promise<string> {
    const script = join(dir, `child-${crypto.randomUUID()}.ts`);
    await writeFile(
      script,
      `import { withLock } from ${JSON.stringify(join(ROOT, "src/io/lock.ts"))};\n${body}`,
    );
    await chmod(script, 0o644);
    return script;
  }

  // A correctness check of "every retry sleeps", not a benchmark: the old loop burned ~90% of a core here.
  test.each<[string, (pid: number) => string]>([
    ["the hand-made lock that spun (token {})", () => record({ pid: 999999, token: {} })],
    ["a live holder's fresh lock", (pid) => record({ pid, start: LIVE_START })],
    ["another host's fresh lock", () => record({ pid: 1, host: "elsewhere" })],
  ])("waiting on %s sleeps between tries", async (_name, text) => {
    const dir = await tempDir();
    const path = join(dir, "c.json");
    await lockAt(path, text(live.pid), 0);
    const script = await child(
      dir,
      `const wall = performance.now(), cpu = process.cpuUsage();
      const error = await withLock(${JSON.stringify(path)}, async () => "ran", 1000).catch((e) => e.message);
      const used = process.cpuUsage(cpu);
      console.log(JSON.stringify({ error, wallMs: performance.now() - wall, cpuMs: (used.user + used.system) / 1000 }));`,
    );
    const proc = Bun.spawn([BUN, script], { stdout: "pipe", stderr: "inherit" });
    const killer = setTimeout(() => proc.kill(9), 20_000);
    const out = await new Response(proc.stdout).text();
    clearTimeout(killer);
    expect(await proc.exited).toBe(0);
    const { error, wallMs, cpuMs } = JSON.parse(out);
    expect(error).toStartWith(`${path} is locked`);
    expect(wallMs).toBeGreaterThanOrEqual(950);
    expect(wallMs).toBeLessThan(3000);
    expect(cpuMs / wallMs).toBeLessThan(0.3);
  });

  test("eight processes breaking one dead lock at once lose no increment", async () => {
    const dir = await tempDir();
    const path = join(dir, "count");
    await writeFile(path, "0");
    await holderFile(path, DEAD);
    const script = await child(
      dir,
      `import { readFile, writeFile } from "node:fs/promises";
      for (let i = 0; i < 5; i++) {
        await withLock(${JSON.stringify(path)}, async () => {
          const n = Number(await readFile(${JSON.stringify(path)}, "utf8"));
          await writeFile(${JSON.stringify(path)}, String(n + 1));
        });
      }`,
    );
    const procs = Array.from({ length: 8 }, () => Bun.spawn([BUN, script], { stderr: "inherit" }));
    expect(await Promise.all(procs.map((p) => p.exited))).toEqual(Array(8).fill(0));
    expect(await readFile(path, "utf8")).toBe("40");
    expect((await readdir(dir)).filter((f) => f.includes(".lock"))).toEqual([]);
  });

  test.skipIf(!nobodyReaches)("an unreadable lock is reported as the lock, not as the config", async () => {
    const dir = await tempDir();
    await chmod(dir, 0o755);
    const path = join(dir, "c.json");
    await writeFile(path, "{}", { mode: 0o644 });
    await lockAt(path, record({ pid: live.pid }), 0);
    await chmod(`${path}.lock`, 0o000);
    const script = await child(
      dir,
      `import { updateConfig } from ${JSON.stringify(join(ROOT, "src/io/config-store.ts"))};
      await updateConfig(${JSON.stringify(path)}, () => [{ path: ["a"], value: 1 }])
        .catch((e) => console.log(JSON.stringify([e.name, e.message, e.exitCode, e.hint])));`,
    );
    const drop = setpriv ? [setpriv, "--reuid=65534", "--regid=65534", "--clear-groups"] : [];
    const proc = Bun.spawn([...drop, BUN, script], { stdout: "pipe", stderr: "inherit", env: {} });
    expect(await proc.exited).toBe(0);
    expect(JSON.parse(await new Response(proc.stdout).text())).toEqual([
      "CliError",
      `cannot read the lock file ${path}.lock: permission denied`,
      1,
      "check its owner and mode, or delete it if no mcpproxy is running",
    ]);
    expect(await readFile(path, "utf8")).toBe("{}");
  });
});

describe("withLock, any lock file", () => {
  // Ages keep two seconds from every edge (10 s, 60 s) so the run's own time cannot tip a case.
  const ageArb = fc.oneof(
    fc.integer({ min: 0, max: 8 * S }),
    fc.integer({ min: 12 * S, max: 58 * S }),
    fc.integer({ min: 62 * S, max: 86_400 * S }),
    fc.integer({ min: -86_400 * S, max: -62 * S }),
  );
  const validArb = fc.record({
    pid: fc.constantFrom("live", "dead", "one", "self"),
    host: fc.constantFrom("same", "other"),
    start: fc.constantFrom("right", "wrong", "none"),
    token: fc.string(),
  });
  // Each of these fails the record's shape: a wrong type in at least one field, or not a record at all.
  const wrongArb = fc.oneof(
    fc.record({
      pid: fc.oneof(
        fc.string(),
        fc.constant(null),
        fc.boolean(),
        fc.object(),
        fc.constantFrom(0, -1, 1.5, 2 ** 40),
      ),
      host: fc.constant(HOST),
      token: fc.string(),
    }),
    fc.record({ pid: fc.constant(1), host: fc.oneof(fc.integer(), fc.constant(null)), token: fc.string() }),
    fc.record({ pid: fc.constant(1), host: fc.constant(HOST), token: fc.oneof(fc.object(), fc.integer()) }),
    fc.record({
      pid: fc.constant(1),
      host: fc.constant(HOST),
      token: fc.string(),
      start: fc.oneof(fc.integer(), fc.object()),
    }),
  );
  const contentArb = fc.oneof(
    validArb.map((r) => ({ kind: "valid" as const, r })),
    wrongArb.map((w) => ({ kind: "invalid" as const, bytes: JSON.stringify(w) })),
    fc.jsonValue().map((j) => ({ kind: "invalid" as const, bytes: JSON.stringify(j) ?? "" })),
    fc.uint8Array({ maxLength: 64 }).map((b) => ({ kind: "invalid" as const, bytes: b })),
  );

  test.if(linux)(
    "ends within its bound, breaks exactly the stale locks, never touches a live holder's fresh one",
    async () => {
      const dir = await tempDir();
      const selfStart = await markOf(process.pid);
      const pids = { live: live.pid, dead: DEAD, one: 1, self: process.pid };
      const starts = { live: LIVE_START, dead: "x:1", one: ONE_START, self: selfStart };
      const bound = 120;
      let n = 0;
      await fc.assert(
        fc.asyncProperty(contentArb, ageArb, async (content, ageMs) => {
          const path = join(dir, `c${n++}.json`);
          let text: string | Uint8Array;
          let stale: boolean;
          if (content.kind === "valid") {
            const { r } = content;
            const right = starts[r.pid];
            const start = r.start === "none" ? undefined : r.start === "right" ? right : `${right}0`;
            text = JSON.stringify({
              pid: pids[r.pid],
              host: r.host === "same" ? HOST : "elsewhere",
              token: r.token,
              start,
            });
            const gone = r.pid === "dead" || r.start === "wrong";
            stale = Math.abs(ageMs) > 60 * S || (r.host === "same" && gone);
          } else {
            text = content.bytes;
            stale = Math.abs(ageMs) > 10 * S;
          }
          await lockAt(path, text, ageMs);
          const before = await stat(`${path}.lock`);
          const bytes = await readFile(`${path}.lock`);
          const { outcome, ms } = await attempt(path, bound);
          expect(ms).toBeLessThan(bound + 1500);
          expect(outcome).toBe(stale ? "broken" : "respected");
          if (stale) {
            expect((await readdir(dir)).filter((f) => f.startsWith(`c${n - 1}.`))).toEqual([]);
          } else {
            expect(await readFile(`${path}.lock`)).toEqual(bytes);
            expect((await stat(`${path}.lock`)).ino).toBe(before.ino);
          }
        }),
        { numRuns: 60 },
      );
    },
  );
});

describe("findStaleLocks", () => {
  test("lists our stale locks and break guards, leaves them, and never judges other tools' lock files", async () => {
    const dir = await tempDir();
    const other = await tempDir();
    const put = async (name: string, text: string, ageMs = 0) => {
      await writeFile(join(dir, name), text);
      const then = new Date(Date.now() - ageMs);
      await utimes(join(dir, name), then, then);
    };
    await put("a.json.lock", record({ pid: DEAD }));
    await put("b.json.lock", record({ pid: live.pid, start: LIVE_START }));
    await put("c.json.lock.break", record({ pid: DEAD }));
    await put("d.json.lock", record({ pid: live.pid, host: "elsewhere" }), 61 * S);
    await put("Cargo.lock", "[[package]]\n", 3600 * S);
    await put("e.json.lock", "garbage", 3600 * S);
    await writeFile(join(other, "f.json.lock"), record({ pid: DEAD }));
    const before = (await readdir(dir)).sort();
    expect(await findStaleLocks([dir, join(dir, "missing"), other])).toEqual([
      join(dir, "a.json.lock"),
      join(dir, "c.json.lock.break"),
      join(dir, "d.json.lock"),
      join(other, "f.json.lock"),
    ]);
    expect((await readdir(dir)).sort()).toEqual(before);
  });
});

describe("a long holder keeps its lock fresh", () => {
  test("with keepFreshEveryMs the lock is re-dated while the work runs, and removed after", async () => {
    const dir = await mkdtemp(join(tmpdir(), "mcpx-fresh-"));
    const resource = join(dir, "send");
    const lockPath = `${resource}.lock`;
    const mtimes: number[] = [];
    await withLock(
      resource,
      async () => {
        for (let i = 0; i < 4; i++) {
          mtimes.push((await stat(lockPath)).mtimeMs);
          await Bun.sleep(120);
        }
      },
      1000,
      50,
    );
    expect(new Set(mtimes).size).toBeGreaterThan(1);
    expect(mtimes.at(-1) ?? 0).toBeGreaterThan(mtimes[0] ?? 0);
    expect(existsSync(lockPath)).toBe(false);
    await rm(dir, { recursive: true, force: true });
  });

  test("a busy lock throws LockBusy, which callers can tell from other errors", async () => {
    const dir = await mkdtemp(join(tmpdir(), "mcpx-busy-"));
    const resource = join(dir, "send");
    let error: unknown;
    await withLock(resource, async () => {
      error = await withLock(resource, async () => "no", 100).catch((e) => e);
    });
    expect(error).toBeInstanceOf(LockBusy);
    await rm(dir, { recursive: true, force: true });
  });
});
