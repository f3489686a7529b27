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

export interface Timed {
  command: string;
  median: number;
  mean: number;
  stddev: number;
}

/** Each named command timed in one hyperfine run (`-N`, 20 warm-ups; seconds), in the order given. */
export async function hyperfine(
  named: Array<{ name: string; cmd: string[] }>,
  runs: number,
  json: string,
  env?: Record<string, string>,
): Promise<Timed[]> {
  // hyperfine -N splits its command on spaces; quote the arguments that hold one.
  const quoted = (cmd: string[]) =>
    cmd.map((a) => (a === "" ? "''" : a.includes(" ") ? `"${a}"` : a)).join(" ");
  const args = named.flatMap((n) => ["-n", n.name, quoted(n.cmd)]);
  sh(["hyperfine", "-N", "--warmup", "20", "--runs", String(runs), "--export-json", json, ...args], env);
  return (await Bun.file(json).json()).results as Timed[];
}

/** The largest peak RSS of `runs` runs of a command, in MiB (scripts/bench/peak-rss.py). */
export function peakRssMiB(cmd: string[], runs: number, env?: Record<string, string>): number {
  return Number(sh(["python3", "scripts/bench/peak-rss.py", String(runs), ...cmd], env).trim()) / 1024;
}
