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

/**
 * Each named command timed by hyperfine (`-N`, 5 warm-ups; seconds), in the order given: `rounds` runs of
 * ⌈runs / rounds⌉ each, pooled per command, so the machine's drift (15.9 → 19.1 ms in one long run) falls on all alike.
 */
export async function hyperfine(
  named: Array<{ name: string; cmd: string[] }>,
  runs: number,
  json: string,
  env?: Record<string, string>,
  rounds = 10,
): Promise<Timed[]> {
  // hyperfine -N splits its command on spaces; quote the arguments that hold one.
  const quoted = (cmd: string[]) =>
    cmd.map((a) => (a === "" ? "''" : a.includes(" ") ? `"${a}"` : a)).join(" ");
  const args = named.flatMap((n) => ["-n", n.name, quoted(n.cmd)]);
  const perRound = String(Math.ceil(runs / rounds));
  const times: number[][] = named.map(() => []);
  for (let round = 0; round < rounds; round++) {
    sh(["hyperfine", "-N", "--warmup", "5", "--runs", perRound, "--export-json", json, ...args], env);
    const results = (await Bun.file(json).json()).results as Array<{ times: number[] }>;
    for (const [i, r] of results.entries()) times[i]?.push(...r.times);
  }
  const pooled = named.map((n, i) => summary(n.name, times[i] ?? []));
  await Bun.write(json, `${JSON.stringify({ rounds, results: pooled }, null, 2)}\n`);
  return pooled;
}

function summary(command: string, times: number[]): Timed {
  const sorted = [...times].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
  const mean = times.reduce((a, b) => a + b, 0) / times.length;
  const stddev = Math.sqrt(times.reduce((a, t) => a + (t - mean) ** 2, 0) / Math.max(1, times.length - 1));
  return { command, median, mean, stddev };
}

/** The largest peak RSS of `runs` runs of a command, in MiB (scripts/bench/peak-rss.py). */
export function peakRssMiB(cmd: string[], runs: number, env?: Record<string, string>): number {
  return Number(sh(["python3", "scripts/bench/peak-rss.py", String(runs), ...cmd], env).trim()) / 1024;
}
