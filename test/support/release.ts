// Runs scripts/release.ts; the linux-x64 release the install tests serve is built once per run and shared.
import { afterAll } from "bun:test";
import { rm } from "node:fs/promises";
import { join } from "node:path";
import pkg from "../../package.json" with { type: "json" };
import { BUN, ROOT, tempDir } from "./cli.ts";

export const VERSION = pkg.version;

export interface ReleaseRun {
  code: number;
  stdout: string;
  stderr: string;
  out: string;
}

/** `bun scripts/release.ts …` into `out` (default a temp folder removed after the calling file's tests). */
export async function runRelease(
  args: string[],
  options: { env?: Record<string, string>; out?: string } = {},
): Promise<ReleaseRun> {
  let out = options.out;
  if (!out) {
    const temp = await tempDir("mcpx-release-");
    afterAll(() => rm(temp, { recursive: true, force: true }));
    out = temp;
  }
  const proc = Bun.spawn([BUN, "scripts/release.ts", `--out=${out}`, ...args], {
    cwd: ROOT,
    env: { ...(process.env as Record<string, string>), ...options.env },
    stdout: "pipe",
    stderr: "pipe",
  });
  const [stdout, stderr, code] = await Promise.all([
    new Response(proc.stdout).text(),
    new Response(proc.stderr).text(),
    proc.exited,
  ]);
  return { code, stdout, stderr, out };
}

let built: Promise<string> | undefined;

/**
 * The folder holding mcpproxy-<version>-linux-x64.tar.gz, SHA256SUMS, install.sh and VERSION. It lives in
 * dist/ (build output, like the binary) because several test files share it and each removes its own temps.
 */
export function linuxRelease(): Promise<string> {
  built ??= (async () => {
    const r = await runRelease(["--targets=linux-x64"], { out: join(ROOT, "dist/test-release") });
    if (r.code !== 0) throw new Error(`release failed: ${r.stderr}`);
    return join(r.out, VERSION);
  })();
  return built;
}
