// `bun scripts/bench/diagnose.ts`: `diagnose --file` on 1M- and 4M-line logs against `grep -c -i -E`, peak RSS.
// Needs hyperfine and python3. Logs and figures go to .bench/ (gitignored). Targets (issue 15): 1M lines within
// 5× grep in the same run; peak RSS at 1M and 4M within ±20 % (the log is streamed) and ≤ the floor + 32 MiB.
import { mkdir, mkdtemp, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildFlags } from "../build-flags.ts";
import { ROOT, sh } from "./shell.ts";

const out = join(ROOT, ".bench");
const binary = join(ROOT, "dist/mcpproxy");
const GREP_RATIO_TARGET = 5;
const RSS_GROWTH_TARGET = 20;
const RSS_OVER_FLOOR_TARGET_MIB = 32;
const hello = join(out, "hello");

// What real proxy logs hold: failures of every family, and a majority of ordinary lines.
const FAILURES = [
  'error starting server "%s": zsh:1: command not found: docker',
  "docker: Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?",
  'docker: Error response from daemon: failed to create task: OCI runtime create failed: runc create failed: exec: "uvx": executable file not found in $PATH',
  "exec /usr/local/bin/node: exec format error (OCI runtime start failed)",
  "Unable to find image 'ghcr.io/acme/%s:latest' locally; pull access denied, repository does not exist",
  "got permission denied while trying to connect to the Docker daemon socket at unix:///var/run/docker.sock",
  "upstream %s: OAuth authentication required, login available via `mcpproxy auth login --server=%s`",
  "oauth: refresh token has expired for server %s, re-authentication required",
  "OAuth discovery failed: GET https://%s.example.com/.well-known/oauth-authorization-server: 404",
  "POST https://%s.example.com/mcp: unexpected status 502 Bad Gateway",
  "POST https://%s.example.com/mcp: status 401 Unauthorized",
  "dial tcp 10.0.0.12:8443: connect: connection refused",
  "Get https://%s.example.com/sse: dial tcp: lookup %s.example.com: no such host",
  "x509: certificate signed by unknown authority",
  "context deadline exceeded (Client.Timeout exceeded while awaiting headers)",
  "Error: spawn npx ENOENT",
  "failed to start %s: transport closed before the MCP initialize completed",
  "config: invalid config at line 12: json: cannot unmarshal string into Go value",
  "server %s is in quarantine, pending approval",
];
const NOISE = [
  "server %s connected, 14 tools",
  "listing tools for %s",
  "tool call %s.search took 182ms",
  "heartbeat ok",
  "GET /api/v1/servers 200 3ms",
  "reloading configuration from disk",
  "retrying %s in 2s (attempt 3)",
  "indexed 1,204 tools in 0.8s",
  "client connected from 127.0.0.1:53122",
  "token for %s refreshed",
];
const SERVERS = ["github", "filesystem", "slack", "postgres", "everything", "memory", "fetch", "sentry"];

// A small seeded generator, so every run measures the same bytes.
function random(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

async function writeLog(path: string, lines: number): Promise<void> {
  const existing = await stat(path).catch(() => null);
  if (existing && existing.size > 0) return;
  const next = random(42);
  const pick = <T>(list: T[]) => list[Math.floor(next() * list.length)] as T;
  const writer = Bun.file(path).writer();
  const start = Date.UTC(2026, 10, 23);
  for (let i = 0; i < lines; i++) {
    const time = new Date(start + i * 37).toISOString();
    const failure = next() < 0.3;
    const level = failure ? "ERROR" : pick(["INFO", "INFO", "DEBUG", "WARN"]);
    const server = pick(SERVERS);
    const message = pick(failure ? FAILURES : NOISE).replaceAll("%s", server);
    writer.write(`${time} ${level} [${server}] ${message}\n`);
    if (i % 50_000 === 0) await writer.flush();
  }
  await writer.end();
}

if (!Bun.which("hyperfine") || !Bun.which("python3")) {
  console.error("hyperfine and python3 are needed: apt-get install -y hyperfine python3");
  process.exit(1);
}
await mkdir(out, { recursive: true });
sh([process.execPath, "scripts/build.ts"]);
sh([process.execPath, "build", "scripts/bench/hello.ts", ...buildFlags, `--outfile=${hello}`]);
// The generator's version is in the name, so a changed generator never measures a stale log.
const logs = { "1M": join(out, "diagnose-v1-1m.log"), "4M": join(out, "diagnose-v1-4m.log") };
await writeLog(logs["1M"], 1_000_000);
await writeLog(logs["4M"], 4_000_000);

// An empty HOME and data dir: the bench must not read or count into anyone's real ~/.mcpproxy.
const home = await mkdtemp(join(tmpdir(), "mcpproxy-bench-"));
const env = { HOME: home, PATH: process.env.PATH ?? "/usr/bin:/bin", LANG: "C.UTF-8" };
const json = join(out, "diagnose.json");
const commands: Array<[string, string]> = [
  ["diagnose --file (1M lines)", `${binary} diagnose --file ${logs["1M"]} --json`],
  // The yardstick: the lines a classifier would look at, case-blind, in one pass.
  ["grep -c -i -E (1M lines)", `grep -c -i -E "docker|oauth|status [0-9]{3}" ${logs["1M"]}`],
];
sh(
  [
    "hyperfine",
    "-N",
    // GNU grep stops at the first match when its output is /dev/null, hyperfine's default.
    "--output=pipe",
    "--warmup",
    "1",
    "--runs",
    "5",
    "--export-json",
    json,
    ...commands.flatMap(([name, cmd]) => ["-n", name, cmd]),
  ],
  env,
);
const results = (await Bun.file(json).json()).results as Array<{
  command: string;
  mean: number;
  median: number;
  stddev: number;
}>;

const peak = (cmd: string[], runs: number) =>
  Number(sh(["python3", "scripts/bench/peak-rss.py", String(runs), ...cmd], env).trim());
const rss = (log: string) => peak([binary, "diagnose", "--file", log, "--json"], 3);
const floorRss = peak([hello], 10);
const rss1 = rss(logs["1M"]);
const rss4 = rss(logs["4M"]);
const growth = ((rss4 - rss1) / rss1) * 100;
const mib = (kib: number) => `${(kib / 1024).toFixed(1)} MiB`;
const size = async (path: string) => `${((await stat(path)).size / 1024 / 1024).toFixed(0)} MiB`;

console.log(`\n| command | mean | ± |`);
console.log("|---|---|---|");
for (const r of results) {
  console.log(`| ${r.command} | ${(r.mean * 1000).toFixed(0)} ms | ${(r.stddev * 1000).toFixed(0)} ms |`);
}
const diagnose = results[0]?.median ?? Number.NaN;
const grep = results[1]?.median ?? Number.NaN;
console.log(`\n| log | size | peak RSS |`);
console.log("|---|---|---|");
console.log(`| 1M lines | ${await size(logs["1M"])} | ${mib(rss1)} |`);
console.log(`| 4M lines | ${await size(logs["4M"])} | ${mib(rss4)} |`);
console.log(`| hello (floor) | | ${mib(floorRss)} |`);
const ratio = diagnose / grep;
const verdict = (ok: boolean) => (ok ? "met" : "MISSED");
const over = (Math.max(rss1, rss4) - floorRss) / 1024;
console.log(
  `\ndiagnose --file 1M lines: ${ratio.toFixed(2)}× grep -c -i -E (target ≤ ${GREP_RATIO_TARGET}×: ${verdict(ratio <= GREP_RATIO_TARGET)})`,
);
console.log(
  `peak RSS 1M → 4M: ${growth >= 0 ? "+" : ""}${growth.toFixed(1)} % (target ± ${RSS_GROWTH_TARGET} %: ${verdict(Math.abs(growth) <= RSS_GROWTH_TARGET)})`,
);
console.log(
  `peak RSS over the floor: +${over.toFixed(1)} MiB (target ≤ +${RSS_OVER_FLOOR_TARGET_MIB} MiB: ${verdict(over <= RSS_OVER_FLOOR_TARGET_MIB)})`,
);
