// `npm run bench`: start-up of the compiled binary against a compiled hello-world floor, peak RSS, size.
// Needs hyperfine and python3 (Debian: apt-get install hyperfine). Figures go to stdout and .bench/.
// Targets are issue 15's, stated as ratios to the floor built by the same Bun with the same flags; the completion
// entry point is held against `version` in the same run (at most 1.15×).
import { mkdir, stat } from "node:fs/promises";
import { join } from "node:path";
import { buildFlags } from "../build-flags.ts";
import { steadyHome } from "./home.ts";
import { hyperfine, peakRssMiB, ROOT, sh } from "./shell.ts";

const out = join(ROOT, ".bench");
const bun = process.execPath;
const binary = join(ROOT, "dist/mcpproxy");
const hello = join(out, "hello");
const leastPayload = join(out, "least-payload");
const RUNS = Number(process.env.BENCH_RUNS ?? 150);

if (!Bun.which("hyperfine")) {
  console.error("hyperfine is missing: apt-get install -y hyperfine");
  process.exit(1);
}
await mkdir(out, { recursive: true });
sh([bun, "scripts/build.ts"]);
sh([bun, "build", "scripts/bench/hello.ts", ...buildFlags, `--outfile=${hello}`]);
sh([bun, "build", "scripts/bench/least-payload.ts", ...buildFlags, `--outfile=${leastPayload}`]);

// `telemetry send` posts to a loopback collector in its own process (spawnSync below blocks this one).
const collector = Bun.spawn([bun, "scripts/bench/loopback-receiver.ts"], { cwd: ROOT, stdout: "pipe" });
const reader = collector.stdout.getReader();
const endpoint = new TextDecoder().decode((await reader.read()).value).trim();
process.on("exit", () => collector.kill());
const { env } = await steadyHome(endpoint);
sh([binary, "telemetry", "show-payload"], env);
sh([binary, "telemetry", "send"], env);

interface Row {
  name: string;
  cmd: string[];
  /** Largest median / floor the issue allows; undefined: measured, no target. */
  target?: number;
  /** Largest peak RSS over the floor's, in MiB. */
  rssTarget?: number;
}
const rows: Row[] = [
  { name: "hello (floor)", cmd: [hello] },
  { name: "telemetry show-payload", cmd: [binary, "telemetry", "show-payload"], target: 2.0, rssTarget: 8 },
  // The runtime's own share of show-payload's cost: the same io and validation with no project code.
  { name: "least payload (yardstick)", cmd: [leastPayload] },
  { name: "telemetry status --json", cmd: [binary, "telemetry", "status", "--json"], target: 1.5 },
  { name: "version", cmd: [binary, "version"], target: 1.5 },
  {
    name: "diagnostics codes MCPX_HTTP_401",
    cmd: [binary, "diagnostics", "codes", "MCPX_HTTP_401"],
    target: 1.5,
  },
  { name: 'diagnose "connection refused"', cmd: [binary, "diagnose", "connection refused"], target: 2.0 },
  { name: "telemetry send (loopback)", cmd: [binary, "telemetry", "send"] },
  // What a shell runs on TAB: the command list (every command's definition), and --server (reads the config).
  { name: "complete commands", cmd: [binary, "complete", "--", ""] },
  { name: "complete --server", cmd: [binary, "complete", "--", "diagnose", "--server", ""] },
  // Each round times each command's runs back to back: the floor again, last in every round, shows the drift within one.
  { name: "hello (floor, again)", cmd: [hello] },
];
const results = await hyperfine(rows, RUNS, join(out, "startup.json"), env);
const floor = results[0]?.median ?? Number.NaN;

const rss = (cmd: string[]) => peakRssMiB(cmd, 20, env);
const floorRss = rss(rows[0]?.cmd ?? []);
const verdict = (ok: boolean) => (ok ? "met" : "MISSED");

console.log("\n| command | median | × floor | peak RSS | over floor | target |");
console.log("|---|---|---|---|---|---|");
for (const [i, r] of results.entries()) {
  const row = rows[i] as Row;
  const ratio = r.median / floor;
  const peak = i === 0 ? floorRss : rss(row.cmd);
  const over = peak - floorRss;
  const targets: string[] = [];
  if (row.target !== undefined) targets.push(`≤ ${row.target.toFixed(1)}×: ${verdict(ratio <= row.target)}`);
  if (row.rssTarget !== undefined)
    targets.push(`≤ floor + ${row.rssTarget} MiB: ${verdict(over <= row.rssTarget)}`);
  console.log(
    `| ${r.command} | ${(r.median * 1000).toFixed(1)} ms | ${ratio.toFixed(2)}× | ${peak.toFixed(1)} MiB | ${i === 0 ? "" : `${over >= 0 ? "+" : ""}${over.toFixed(1)} MiB`} | ${targets.join("; ")} |`,
  );
}
const medianOf = (name: string) => results.find((r) => r.command === name)?.median ?? Number.NaN;
const sendCost = (medianOf("telemetry send (loopback)") - medianOf("telemetry show-payload")) / floor;
console.log(`\nsend − show-payload: ${sendCost.toFixed(2)}× floor`);
const again = medianOf("hello (floor, again)");
console.log(
  `the floor drifted ${((again / floor - 1) * 100).toFixed(0)} % within a round (${(floor * 1000).toFixed(1)} → ${(again * 1000).toFixed(1)} ms)`,
);
for (const name of ["complete commands", "complete --server"]) {
  const ratio = medianOf(name) / medianOf("version");
  console.log(`${name} / version: ${ratio.toFixed(2)}× (target ≤ 1.15×: ${verdict(ratio <= 1.15)})`);
}
const size = (await stat(binary)).size;
console.log(
  `binary size: ${(size / 1024 / 1024).toFixed(1)} MiB (${size} bytes); ${sh([bun, "--version"]).trim()}`,
);
// The live collector child keeps this process's event loop open; without this the script never exits.
collector.kill();
