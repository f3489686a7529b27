// Runs a command from the repository root for the benchmarks, failing loudly; returns its stdout.
import { resolve } from "node:path";

export const ROOT = resolve(import.meta.dir, "../..");

export function sh(cmd: string[], env?: Record<string, string>): string {
  const r = Bun.spawnSync(cmd, {
    cwd: ROOT,
    env: env ?? (process.env as Record<string, string>),
    stderr: "inherit",
  });
  if (r.exitCode !== 0) throw new Error(`failed: ${cmd.join(" ")}`);
  return r.stdout.toString();
}
