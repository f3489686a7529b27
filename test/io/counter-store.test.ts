import { describe, expect, test } from "bun:test";
import { chmod, mkdir, readdir, readFile, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { applyEvent, type Counts, emptyCounts, subtractSent } from "../../src/core/counters.ts";
import { decideOptOut } from "../../src/core/optout.ts";
import { CliError } from "../../src/errors.ts";
import { readCounts, recordEvents, updateCounts } from "../../src/io/counter-store.ts";
import { BUN, nobodyCanRun, ROOT, SOURCE, tempDir } from "../support/cli.ts";

// The permission test runs as nobody; where nobody cannot reach the checkout it is skipped, by name.
const nobodyReaches = await nobodyCanRun(SOURCE);

const FILE = "telemetry-counters.json";
const NOW = new Date("2026-11-24T10:30:00Z");
const HOUR = String(Date.parse("2026-11-24T10:00:00Z") / 1000);
const ctx = (dataDir: string) => ({ dataDir, now: () => NOW });
const cli = { kind: "surface_request", surface: "cli" } as const;
const withCli = (n: number): Counts => ({
  ...emptyCounts(),
  surface_requests: { ...emptyCounts().surface_requests, cli: n },
});

describe("readCounts", () => {
  test("a missing file reads as empty and creates nothing", async () => {
    const dir = await tempDir();
    expect(await readCounts(join(dir, "data"))).toEqual(emptyCounts());
    expect(await readdir(dir)).toEqual([]);
  });

  test.each([
    ["not JSON", "{ nope"],
    ["an empty file", ""],
    ["a foreign key", JSON.stringify({ ...emptyCounts(), builtin_tool_calls: { my_secret_tool: 3 } })],
    ["a JSON array", "[]"],
  ])("%s reads as empty and is left in place", async (_, text) => {
    const dir = await tempDir();
    await writeFile(join(dir, FILE), text);
    expect(await readCounts(dir)).toEqual(emptyCounts());
    expect(await readFile(join(dir, FILE), "utf8")).toBe(text);
  });
});

describe("updateCounts", () => {
  test("a round trip: what is written reads back, as a 0600 file", async () => {
    const dir = join(await tempDir(), "nested", "data");
    const written = await updateCounts(
      dir,
      (c) => applyEvent(applyEvent(c, cli, NOW), { kind: "diagnostic_code", code: "MCPX_HTTP_401" }, NOW),
      NOW,
    );
    const expected = { ...withCli(1), error_code_counts_by_hour: { [HOUR]: { MCPX_HTTP_401: 1 } } };
    expect(written).toEqual(expected);
    expect(await readCounts(dir)).toEqual(expected);
    expect(JSON.parse(await readFile(join(dir, FILE), "utf8"))).toEqual(expected);
    expect((await stat(join(dir, FILE))).mode & 0o777).toBe(0o600);
    expect((await stat(dir)).mode & 0o777).toBe(0o700);
    expect((await readdir(dir)).sort()).toEqual([FILE]);
  });

  test("drops hour buckets older than 24 h when it writes", async () => {
    const dir = await tempDir();
    const old = String(Number(HOUR) - 24 * 3600);
    await writeFile(
      join(dir, FILE),
      JSON.stringify({
        ...emptyCounts(),
        error_code_counts_by_hour: { [old]: { MCPX_HTTP_403: 9 }, [HOUR]: { MCPX_HTTP_403: 1 } },
      }),
    );
    await updateCounts(dir, (c) => c, new Date("2026-11-24T10:00:00Z"));
    expect((await readCounts(dir)).error_code_counts_by_hour).toEqual({ [HOUR]: { MCPX_HTTP_403: 1 } });
  });

  test("a subtract after a send keeps what another process added meanwhile", async () => {
    const dir = await tempDir();
    await recordEvents(ctx(dir), true, [cli, cli]);
    const sent = await readCounts(dir);
    await recordEvents(ctx(dir), true, [cli]);
    await updateCounts(dir, (c) => subtractSent(c, sent), NOW);
    expect(await readCounts(dir)).toEqual(withCli(1));
  });

  test("a corrupt store is moved aside on the next write, not lost", async () => {
    const dir = await tempDir();
    await writeFile(join(dir, FILE), '{"surface_requests": {"cli": "many"}');
    await recordEvents(ctx(dir), true, [cli]);
    expect(await readCounts(dir)).toEqual(withCli(1));
    const aside = (await readdir(dir)).filter((f) => f !== FILE);
    expect(aside).toEqual([`${FILE}.corrupt-2026-11-24T10-30-00.000Z`]);
    expect(await readFile(join(dir, aside[0] ?? ""), "utf8")).toBe('{"surface_requests": {"cli": "many"}');
  });

  // Root writes anywhere, so as root the attempt runs in a child dropped to nobody.
  const asRoot = process.getuid?.() === 0;
  const setpriv = asRoot ? Bun.which("setpriv") : null;
  test.skipIf(!nobodyReaches)("a data dir that cannot be written is a CliError naming the file", async () => {
    const dir = await tempDir();
    await chmod(dir, 0o755);
    const data = join(dir, "data");
    await mkdir(data, { mode: 0o555 });
    await chmod(data, 0o555);
    const script = join(dir, "write.ts");
    await writeFile(
      script,
      `import { updateCounts } from ${JSON.stringify(join(ROOT, "src/io/counter-store.ts"))};
      await updateCounts(${JSON.stringify(data)}, (c) => c).catch((e) => console.log(JSON.stringify([e.name, e.message, e.exitCode])));`,
    );
    await chmod(script, 0o644);
    const drop = setpriv ? [setpriv, "--reuid=65534", "--regid=65534", "--clear-groups"] : [];
    const proc = Bun.spawn([...drop, BUN, script], { stdout: "pipe", stderr: "pipe", env: {} });
    expect(await proc.exited).toBe(0);
    expect(JSON.parse(await new Response(proc.stdout).text())).toEqual([
      "CliError",
      `cannot write ${join(data, FILE)}: permission denied`,
      1,
    ]);
    expect(await readdir(data)).toEqual([]);
  });

  test("a data dir path through a file is a CliError, not a stack trace", async () => {
    const dir = await tempDir();
    await writeFile(join(dir, "file"), "");
    const error = await updateCounts(join(dir, "file", "data"), (c) => c, NOW).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CliError);
    expect((error as CliError).message).toBe(
      `cannot write ${join(dir, "file", "data", FILE)}: a part of the path is a file`,
    );
  });

  test("twenty processes recording at once lose no increment", async () => {
    const dir = await tempDir();
    const data = join(dir, "data");
    const script = `import { recordEvents } from ${JSON.stringify(join(ROOT, "src/io/counter-store.ts"))};
      await recordEvents({ dataDir: ${JSON.stringify(data)}, now: () => new Date() }, true,
        [{ kind: "surface_request", surface: "cli" }]);`;
    const file = join(dir, "record.ts");
    await writeFile(file, script);
    const procs = Array.from({ length: 20 }, () => Bun.spawn([BUN, file], { stderr: "pipe", env: {} }));
    const codes = await Promise.all(procs.map((p) => p.exited));
    expect(codes).toEqual(Array(20).fill(0));
    expect((await readCounts(data)).surface_requests).toEqual(withCli(20).surface_requests);
    expect(await readdir(data)).toEqual([FILE]);
  });
});

describe("recordEvents", () => {
  test.each([
    ["DO_NOT_TRACK=1", { DO_NOT_TRACK: "1" }, undefined],
    ["CI=true", { CI: "true" }, true],
    ["config false", {}, false],
  ])("with %s it records nothing and creates no file", async (_, env, configEnabled) => {
    const dir = await tempDir();
    const data = join(dir, "data");
    const on = decideOptOut({ env, configEnabled }).enabled;
    expect(await recordEvents(ctx(data), on, [cli])).toBe(false);
    expect(await readdir(dir)).toEqual([]);
  });

  test.each([
    ["config unset", undefined],
    ["config null", null],
    ["config true", true],
  ])("with %s it records", async (_, configEnabled) => {
    const dir = await tempDir();
    const on = decideOptOut({ env: { DO_NOT_TRACK: "0" }, configEnabled }).enabled;
    expect(await recordEvents(ctx(dir), on, [cli])).toBe(true);
    expect(await readCounts(dir)).toEqual(withCli(1));
  });
});

describe("recording from the CLI, one locked read-modify-write each", () => {
  test("1,000 sequential recordings finish with the exact total", async () => {
    const dir = await tempDir();
    for (let i = 0; i < 1000; i++) {
      await recordEvents(ctx(dir), true, [{ kind: "diagnostic_code", code: "MCPX_HTTP_401" }]);
    }
    const counts = await readCounts(dir);
    expect(Object.values(counts.error_code_counts_by_hour)).toEqual([{ MCPX_HTTP_401: 1000 }]);
    expect(await readdir(dir)).toEqual([FILE]);
  }, 60_000);
});
