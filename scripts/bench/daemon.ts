// `bun scripts/bench/daemon.ts`: the compiled daemon under 50 keep-alive connections (autocannon, an npm devDependency)
// on GET /api/v1/status: requests/s, p99, RSS after 1,000,000 requests, exact counters, idle CPU over 10 s.
// Targets: >= 20,000 req/s, p99 < 10 ms, RSS < 100 MiB, idle < 1 % CPU. Figures go to stdout and .bench/.
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ROOT, sh } from "./shell.ts";

const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 1_000_000);
const CONNECTIONS = 50;
const IDLE_SECONDS = 10;
const out = join(ROOT, ".bench");
const binary = join(ROOT, "dist/mcpproxy");

await mkdir(out, { recursive: true });
sh([process.execPath, "scripts/build.ts"]);
const home = await mkdtemp(join(tmpdir(), "mcpproxy-bench-daemon-"));
const data = join(home, ".mcpproxy");
await mkdir(data, { recursive: true });
await writeFile(join(data, "mcp_config.json"), `${JSON.stringify({ telemetry: { notice_shown: true } })}\n`);

const daemon = Bun.spawn([binary, "serve", "--listen", "127.0.0.1:0", "--heartbeat-delay", "24h"], {
  env: { HOME: home, PATH: "/usr/bin:/bin" },
  stdout: "pipe",
  stderr: "inherit",
});
const reader = daemon.stdout.getReader();
let line = "";
while (!line.includes("\n")) {
  const { value, done } = await reader.read();
  if (done) throw new Error("the daemon did not start");
  line += new TextDecoder().decode(value);
}
const url = line.replace("listening on ", "").trim();
const key = JSON.parse(await readFile(join(data, "mcp_config.json"), "utf8")).api_key as string;

/** utime + stime of the daemon, in clock ticks (100 a second on Linux). */
const cpuTicks = async () => {
  const stat = await readFile(`/proc/${daemon.pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return Number(fields[11]) + Number(fields[12]);
};
const rssMiB = async () => {
  const status = await readFile(`/proc/${daemon.pid}/status`, "utf8");
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1]) / 1024;
};

// autocannon runs under node where there is one (its home), else under bun.
const runtime = Bun.which("node") ?? process.execPath;
const json = sh([
  runtime,
  join(ROOT, "node_modules/autocannon/autocannon.js"),
  "--connections",
  String(CONNECTIONS),
  "--amount",
  String(REQUESTS),
  "--headers",
  `x-api-key=${key}`,
  "--headers",
  "x-mcpproxy-client=cli/bench",
  "--json",
  `${url}/api/v1/status`,
]);
const result = JSON.parse(json) as {
  requests: { average: number; total: number; sent: number };
  latency: { p50: number; p99: number; max: number };
  non2xx: number;
  errors: number;
  duration: number;
};
const rss = await rssMiB();

await Bun.sleep(2_000);
const before = await cpuTicks();
await Bun.sleep(IDLE_SECONDS * 1000);
const idle = ((await cpuTicks()) - before) / (IDLE_SECONDS * 100);

daemon.kill("SIGTERM");
const code = await daemon.exited;
const store = JSON.parse(await readFile(join(data, "telemetry-counters.json"), "utf8"));
const counted = {
  cli: store.surface_requests.cli as number,
  route: store.rest_endpoint_calls["GET /api/v1/status"]?.["2xx"] as number,
};
await rm(home, { recursive: true, force: true });

const rps = result.requests.total / result.duration;
const figures = {
  requests: result.requests.total,
  connections: CONNECTIONS,
  seconds: result.duration,
  requests_per_second: Math.round(rps),
  p50_ms: result.latency.p50,
  p99_ms: result.latency.p99,
  max_ms: result.latency.max,
  non2xx: result.non2xx,
  errors: result.errors,
  rss_mib_after: Number(rss.toFixed(1)),
  counted_cli: counted.cli,
  counted_route_2xx: counted.route,
  idle_cpu_percent: Number((idle * 100).toFixed(2)),
  exit_code: code,
  load_generator: `autocannon under ${runtime.endsWith("node") ? `node ${sh([runtime, "--version"]).trim()}` : "bun"}`,
  cores: navigator.hardwareConcurrency,
};
await writeFile(join(out, "daemon.json"), `${JSON.stringify(figures, null, 2)}\n`);

const verdict = (ok: boolean) => (ok ? "ok" : "MISSED");
console.log(`\n| figure | measured | target | |`);
console.log("|---|---|---|---|");
console.log(
  `| requests/s | ${figures.requests_per_second.toLocaleString("en")} | >= 20,000 | ${verdict(rps >= 20_000)} |`,
);
console.log(`| p99 latency | ${figures.p99_ms} ms | < 10 ms | ${verdict(figures.p99_ms < 10)} |`);
console.log(
  `| RSS after ${figures.requests.toLocaleString("en")} requests | ${figures.rss_mib_after} MiB | < 100 MiB | ${verdict(rss < 100)} |`,
);
const exact = counted.cli === result.requests.total && counted.route === result.requests.total;
console.log(
  `| counted (cli surface, route 2xx) | ${counted.cli}, ${counted.route} | = ${result.requests.total} | ${verdict(exact)} |`,
);
console.log(
  `| idle CPU over ${IDLE_SECONDS} s | ${figures.idle_cpu_percent} % | < 1 % | ${verdict(idle < 0.01)} |`,
);
console.log(
  `\n${figures.connections} connections, ${figures.non2xx} non-2xx, ${figures.errors} errors; ${figures.load_generator} on the same ${figures.cores} cores`,
);
if (!exact || result.non2xx > 0 || result.errors > 0 || code !== 0) process.exit(1);
