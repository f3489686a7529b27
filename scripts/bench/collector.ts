// `bun scripts/bench/collector.ts`: the compiled collector under 50 concurrent senders (autocannon), then
// `collector report` and GET /v1/report over 1,000,000 stored heartbeats made in SQL.
// Targets: >= 5,000 heartbeats/s stored, report < 2 s, data endpoint < 500 ms. Figures go to stdout and .bench/.
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { installId, releaseBody, releasePayload } from "../../test/support/heartbeat-body.ts";
import { ROOT, sh } from "./shell.ts";

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const ROWS = Number(process.env.BENCH_ROWS ?? 1_000_000);
const CONNECTIONS = 50;
const out = join(ROOT, ".bench");
const binary = join(ROOT, "dist/mcpproxy");

await mkdir(out, { recursive: true });
sh([process.execPath, "scripts/build.ts"]);
const dir = await mkdtemp(join(tmpdir(), "mcpproxy-bench-collector-"));
if (!process.env.BENCH_KEEP) process.on("exit", () => void rm(dir, { recursive: true, force: true }));

async function startCollector(db: string) {
  const proc = Bun.spawn([binary, "collector", "--listen", "127.0.0.1:0", "--db", db], {
    env: { HOME: dir, PATH: "/usr/bin:/bin" },
    stdout: "pipe",
    stderr: "ignore",
  });
  const line = new TextDecoder().decode((await proc.stdout.getReader().read()).value);
  const url = /listening on (\S+)/.exec(line)?.[1];
  if (!url) throw new Error(`collector did not start: ${line}`);
  return { proc, url };
}

const count = (db: string) => {
  const conn = new DatabaseSync(db, { readOnly: true });
  const n = (conn.prepare("SELECT COUNT(*) AS n FROM heartbeats").get() as { n: number }).n;
  conn.close();
  return n;
};

// 1. Intake: 50 keep-alive senders posting a real release heartbeat; every 2xx must be a stored row.
const intakeDb = join(dir, "intake.db");
const intake = await startCollector(intakeDb);
const bodyFile = join(dir, "body.json");
await writeFile(bodyFile, releaseBody(installId(1)));
const runtime = Bun.which("node") ?? process.execPath;
const load = JSON.parse(
  sh([
    runtime,
    join(ROOT, "node_modules/autocannon/autocannon.js"),
    ...["--connections", String(CONNECTIONS), "--duration", String(SECONDS), "--method", "POST"],
    ...["--headers", "content-type=application/json", "--input", bodyFile, "--json"],
    `${intake.url}/v1/heartbeat`,
  ]),
) as {
  requests: { average: number; total: number };
  latency: { p50: number; p99: number };
  non2xx: number;
  errors: number;
  "2xx": number;
  duration: number;
};
intake.proc.kill("SIGTERM");
await intake.proc.exited;
const stored = count(intakeDb);
const perSecond = stored / load.duration;

// 2. A million heartbeats in SQL: 20,000 installs over 30 days, a mix of versions, platforms and Docker facts.
const bigDb = join(dir, "big.db");
const seed = await startCollector(bigDb);
seed.proc.kill("SIGTERM");
await seed.proc.exited;
const flags = releasePayload(installId(0)).feature_flags;
const templates = [
  releaseBody("ID"),
  releaseBody("ID", { os: "darwin", arch: "arm64", version: "v0.2.0", current_version: "v0.2.0" }),
  releaseBody("ID", {
    os: "windows",
    feature_flags: { ...flags, docker_available: false, docker_cli_source: "absent" },
  }),
  releaseBody("ID", {
    feature_flags: { ...flags, docker_isolation_enabled: true, docker_cli_source: "bundled" },
    diagnostics: { error_code_counts_24h: { MCPX_DOCKER_OCI_RUNTIME: 2, MCPX_DOCKER_EXEC_NOT_FOUND: 1 } },
  }),
  releaseBody("ID", {
    os: "darwin",
    feature_flags: { ...flags, docker_cli_source: "login_shell" },
    error_category_counts: { docker_run_failed: 1 },
    diagnostics: { error_code_counts_24h: { MCPX_DOCKER_CLI_NOT_FOUND: 1 } },
  }),
];
const started = performance.now();
const conn = new DatabaseSync(bigDb);
conn.exec(
  "PRAGMA journal_mode = WAL; PRAGMA synchronous = OFF; CREATE TEMP TABLE t (k INTEGER PRIMARY KEY, body TEXT)",
);
const addTemplate = conn.prepare("INSERT INTO t VALUES (?, ?)");
for (const [k, body] of templates.entries()) addTemplate.run(k, body);
conn.exec("BEGIN");
conn
  .prepare(
    `WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i + 1 < ?)
   INSERT INTO heartbeats (received_at, day, version, os, arch, schema_version, anonymous_id, codes, categories, body)
   SELECT date('now', printf('-%d days', i % 30)) || 'T12:00:00.000Z', date('now', printf('-%d days', i % 30)),
     json_extract(b, '$.version'), json_extract(b, '$.os'), json_extract(b, '$.arch'), 5, id,
     json_extract(b, '$.diagnostics.error_code_counts_24h'),
     CASE WHEN json_extract(b, '$.error_category_counts') = '{}' THEN NULL ELSE json_extract(b, '$.error_category_counts') END,
     b
   FROM (SELECT i, printf('00000000-0000-4000-8000-%012x', i % 20000) AS id,
           replace((SELECT body FROM t WHERE k = (i / 7) % 5), '"ID"', printf('"00000000-0000-4000-8000-%012x"', i % 20000)) AS b
         FROM n)`,
  )
  .run(ROWS);
conn.exec("COMMIT");
conn.close();
const generated = (performance.now() - started) / 1000;

const time = async (fn: () => Promise<unknown>, runs = 5) => {
  await fn();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await fn();
    times.push(performance.now() - t);
  }
  return { median: times.sort((a, b) => a - b)[Math.floor(runs / 2)] as number, max: Math.max(...times) };
};
const reportRun = await time(async () => {
  const p = Bun.spawn([binary, "collector", "report", "--db", bigDb, "--since", "30d", "--json"], {
    stdout: "pipe",
  });
  const text = await new Response(p.stdout).text();
  if ((await p.exited) !== 0 || JSON.parse(text).heartbeats !== ROWS) throw new Error("report failed");
});
const served = await startCollector(bigDb);
const endpointRun = await time(async () => {
  const r = await fetch(`${served.url}/v1/report?since=30d`);
  if ((await r.json()).heartbeats !== ROWS) throw new Error("data endpoint failed");
});
const pageRun = await time(async () => (await fetch(`${served.url}/`)).text());
served.proc.kill("SIGTERM");
await served.proc.exited;

const ms = (x: number) => `${x.toFixed(0)} ms`;
const verdict = (ok: boolean) => (ok ? "met" : "MISSED");
const figures = {
  intake: {
    connections: CONNECTIONS,
    seconds: load.duration,
    answered_2xx: load["2xx"],
    non_2xx: load.non2xx,
    errors: load.errors,
    stored_rows: stored,
    heartbeats_per_second_stored: Math.round(perSecond),
    latency_ms: { p50: load.latency.p50, p99: load.latency.p99 },
  },
  rows: ROWS,
  generate_seconds: Number(generated.toFixed(1)),
  report_ms: reportRun,
  data_endpoint_ms: endpointRun,
  page_ms: pageRun,
  cores: navigator.hardwareConcurrency,
};
await writeFile(join(out, "collector.json"), `${JSON.stringify(figures, null, 2)}\n`);
console.log(
  `\ncollector intake, ${CONNECTIONS} senders for ${load.duration} s: ${Math.round(perSecond)} heartbeats/s stored`,
);
console.log(
  `  (2xx ${load["2xx"]}, stored ${stored}, non-2xx ${load.non2xx}, errors ${load.errors}; p50 ${load.latency.p50} ms, p99 ${load.latency.p99} ms) target >= 5,000: ${verdict(perSecond >= 5000 && stored >= load["2xx"])}`,
);
console.log(`${ROWS} heartbeats generated in ${generated.toFixed(1)} s`);
console.log(
  `collector report --since 30d (whole process): median ${ms(reportRun.median)}, max ${ms(reportRun.max)}; target < 2 s: ${verdict(reportRun.max < 2000)}`,
);
console.log(
  `GET /v1/report?since=30d: median ${ms(endpointRun.median)}, max ${ms(endpointRun.max)}; target < 500 ms: ${verdict(endpointRun.max < 500)}`,
);
console.log(`GET / (the page): median ${ms(pageRun.median)}, max ${ms(pageRun.max)}`);
