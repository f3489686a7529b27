// Runs the real CLI (from source or compiled) in a temp HOME with an environment built from nothing.
import { afterAll } from "bun:test";
import { chmod, copyFile, link, mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

export const ROOT = resolve(import.meta.dir, "../..");
export const BUN = process.execPath;
export const BINARY = join(ROOT, "dist/mcpproxy");
export const FIXTURES = join(ROOT, "test/fixtures/configs");

export interface Runner {
  name: string;
  command: string[];
}

export const SOURCE: Runner = { name: "source", command: [BUN, join(ROOT, "src/cli.ts")] };
export const COMPILED: Runner = { name: "compiled", command: [BINARY] };

let built: Promise<void> | undefined;
async function newestSource(): Promise<number> {
  const files = await Array.fromAsync(new Bun.Glob("src/**/*.ts").scan({ cwd: ROOT }));
  const times = await Promise.all(files.map(async (f) => (await stat(join(ROOT, f))).mtimeMs));
  return Math.max(...times);
}

/** The compiled binary, built once per test run when it is missing or older than the source. */
export function ensureBinary(): Promise<void> {
  built ??= (async () => {
    const binary = await stat(BINARY).catch(() => null);
    if (binary && binary.mtimeMs >= (await newestSource())) return;
    const proc = Bun.spawn([BUN, "scripts/build.ts"], { cwd: ROOT, stdout: "ignore", stderr: "inherit" });
    if ((await proc.exited) !== 0) throw new Error("npm run build failed");
  })();
  return built;
}

export async function tempDir(prefix = "mcpproxy-test-"): Promise<string> {
  return mkdtemp(join(tmpdir(), prefix));
}

/** No inherited CI, DO_NOT_TRACK or MCPPROXY_*: only what the test says. */
export function cleanEnv(home: string, extra: Record<string, string> = {}): Record<string, string> {
  return { HOME: home, PATH: "/usr/local/bin:/usr/bin:/bin", LANG: "C.UTF-8", ...extra };
}

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

export async function run(
  runner: Runner,
  args: string[],
  options: { env: Record<string, string>; stdin?: string | Uint8Array; cwd?: string },
): Promise<RunResult> {
  const proc = Bun.spawn([...runner.command, ...args], {
    env: options.env,
    cwd: options.cwd ?? ROOT,
    stdin:
      options.stdin === undefined
        ? "ignore"
        : typeof options.stdin === "string"
          ? new TextEncoder().encode(options.stdin)
          : options.stdin,
    stdout: "pipe",
    stderr: "pipe",
  });
  const [stdout, stderr, code] = await Promise.all([
    new Response(proc.stdout).text(),
    new Response(proc.stderr).text(),
    proc.exited,
  ]);
  return { code, stdout, stderr };
}

/** `run`, killed after `ms`: a regression that blocks (a FIFO, /dev/zero) fails instead of hanging. */
export async function runBounded(
  runner: Runner,
  args: string[],
  options: { env: Record<string, string>; cwd?: string; stdin?: string; ms?: number },
): Promise<RunResult & { killed: boolean }> {
  const proc = Bun.spawn([...runner.command, ...args], {
    env: options.env,
    cwd: options.cwd ?? ROOT,
    stdin: options.stdin === undefined ? "ignore" : new TextEncoder().encode(options.stdin),
    stdout: "pipe",
    stderr: "pipe",
    timeout: options.ms ?? 10_000,
    killSignal: "SIGKILL",
  });
  const [stdout, stderr, code] = await Promise.all([
    new Response(proc.stdout).text(),
    new Response(proc.stderr).text(),
    proc.exited,
  ]);
  return { code, stdout, stderr, killed: proc.signalCode === "SIGKILL" };
}

export const DENO: Runner = {
  name: "deno",
  command: [join(ROOT, "node_modules/.bin/deno"), "run", "-A", "--quiet", join(ROOT, "src/cli.ts")],
};

export const IS_ROOT = process.getuid?.() === 0;

/** Runs as the unprivileged `nobody` when we are root, so permission checks really apply. */
export function asNobody(runner: Runner): Runner {
  if (!IS_ROOT) return runner;
  return {
    name: `${runner.name} as nobody`,
    command: ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", ...runner.command],
  };
}

/** Whether `nobody` can reach and run this runner here (a clone inside a private folder cannot). */
export async function nobodyCanRun(runner: Runner): Promise<boolean> {
  if (!IS_ROOT) return true;
  if (!Bun.which("setpriv")) return false;
  const probe = await run(asNobody(runner), ["version"], { env: cleanEnv("/tmp"), cwd: "/" });
  return probe.code === 0;
}

/**
 * The compiled binary (self-contained) linked or copied into a world-readable temp folder and run as
 * `nobody`: permission tests run even where `nobody` cannot enter the checkout. Call it at a test
 * file's top level: the folder is removed after that file's tests.
 */
export async function nobodyRunner(): Promise<Runner> {
  await ensureBinary();
  const dir = await tempDir("mcpproxy-nobody-");
  afterAll(() => rm(dir, { recursive: true, force: true }));
  const binary = join(dir, "mcpproxy");
  // A hard link costs nothing on the same file system; a copy (110 MB) elsewhere.
  await link(BINARY, binary).catch(() => copyFile(BINARY, binary));
  await chmod(binary, 0o755);
  await chmod(dir, 0o755);
  return asNobody({ name: "compiled copy", command: [binary] });
}
