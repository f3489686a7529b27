// Runs the real CLI (from source or compiled) in a temp HOME with an environment built from nothing.
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

export const ROOT = resolve(import.meta.dir, "../..");
export const BUN = process.execPath;
export const BINARY = join(ROOT, "dist/mcpproxy");
export const FIXTURES = resolve(ROOT, "../shared/fixtures/configs");

export interface Runner {
  name: string;
  command: string[];
}

export const SOURCE: Runner = { name: "source", command: [BUN, join(ROOT, "src/cli.ts")] };
export const COMPILED: Runner = { name: "compiled", command: [BINARY] };

let built: Promise<void> | undefined;
/** The compiled binary, built once per test run when it is missing. */
export function ensureBinary(): Promise<void> {
  built ??= (async () => {
    if (await Bun.file(BINARY).exists()) return;
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
  options: { env: Record<string, string>; stdin?: string; cwd?: string },
): Promise<RunResult> {
  const proc = Bun.spawn([...runner.command, ...args], {
    env: options.env,
    cwd: options.cwd ?? ROOT,
    stdin: options.stdin === undefined ? "ignore" : new TextEncoder().encode(options.stdin),
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
