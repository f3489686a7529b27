// `npm run bench`: start-up of the compiled binary against a compiled hello-world floor, peak RSS, size,
// and the completion entry point against `version` in the same run (the target is at most 1.15×).
// Needs hyperfine and python3 (Debian: apt-get install hyperfine). Figures go to stdout and .bench/.
import { mkdir, mkdtemp, readFile, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ROOT, sh } from "./shell.ts";

const out = join(ROOT, ".bench");
const bun = process.execPath;
const binary = join(ROOT, "dist/mcpproxy");
const hello = join(out, "hello");

if (!Bun.which("hyperfine")) {
  console.error("hyperfine is missing: apt-get install -y hyperfine");
  process.exit(1);
}
await mkdir(out, { recursive: true });
sh([bun, "scripts/build.ts"]);
sh([bun, "build", "scripts/bench/hello.ts", "--compile", "--minify", "--bytecode", `--outfile=${hello}`]);

// A steady-state install: a real config with servers, an id already made, telemetry on.
const home = await mkdtemp(join(tmpdir(), "mcpproxy-bench-"));
await mkdir(join(home, ".mcpproxy"), { recursive: true });
// `telemetry send` posts to a loopback collector in its own process (spawnSync below blocks this one).
const collector = Bun.spawn([bun, "scripts/bench/loopback-receiver.ts"], { cwd: ROOT, stdout: "pipe" });
const reader = collector.stdout.getReader();
const endpoint = new TextDecoder().decode((await reader.read()).value).trim();
process.on("exit", () => collector.kill());
const config = JSON.parse(await readFile(join(ROOT, "test/fixtures/configs/e2e-config.json"), "utf8"));
config.telemetry = { ...config.telemetry, endpoint, notice_shown: true };
await writeFile(join(home, ".mcpproxy/mcp_config.json"), `${JSON.stringify(config, null, 2)}\n`);
const env = { HOME: home, PATH: process.env.PATH ?? "/usr/bin:/bin" };
sh([binary, "telemetry", "show-payload"], env);
sh([binary, "telemetry", "send"], env);

const commands: Array<[string, string]> = [
  ["hello (floor)", hello],
  ["show-payload", `${binary} telemetry show-payload`],
  ["status --json", `${binary} telemetry status --json`],
  ["send (loopback)", `${binary} telemetry send`],
  ["version", `${binary} version`],
  // What a shell runs on TAB: the command list (every command's definition), and --server (reads the config).
  ["complete commands", `${binary} complete -- ''`],
  ["complete --server", `${binary} complete -- diagnose --server ''`],
];
const json = join(out, "startup.json");
sh(
  [
    "hyperfine",
    "-N",
    "--warmup",
    "20",
    "--runs",
    "200",
    "--export-json",
    json,
    ...commands.flatMap(([name, cmd]) => ["-n", name, cmd]),
  ],
  { ...env, PATH: process.env.PATH ?? "" },
);
const results = (await Bun.file(json).json()).results as Array<{
  command: string;
  mean: number;
  stddev: number;
}>;
const floor = results[0]?.mean ?? Number.NaN;

const rss = (cmd: string[]) => Number(sh(["python3", "scripts/bench/peak-rss.py", "20", ...cmd], env).trim());
const mib = (kib: number) => (kib / 1024).toFixed(1);
const size = (await stat(binary)).size;

console.log("\n| command | mean | ± | × floor | peak RSS |");
console.log("|---|---|---|---|---|");
for (const [i, r] of results.entries()) {
  // hyperfine reads '' as an empty word; so must the RSS probe.
  const cmd = (commands[i] as [string, string])[1].split(" ").map((word) => (word === "''" ? "" : word));
  console.log(
    `| ${r.command} | ${(r.mean * 1000).toFixed(2)} ms | ${(r.stddev * 1000).toFixed(2)} ms | ${(r.mean / floor).toFixed(2)} | ${mib(rss(cmd))} MiB |`,
  );
}
const meanOf = (name: string) => results.find((r) => r.command === name)?.mean ?? Number.NaN;
const sendCost = (meanOf("send (loopback)") - meanOf("show-payload")) * 1000;
console.log(
  `\nsend − show-payload: ${sendCost.toFixed(2)} ms (target ≤ 15 ms: ${sendCost <= 15 ? "met" : "MISSED"})`,
);
for (const name of ["complete commands", "complete --server"]) {
  const ratio = meanOf(name) / meanOf("version");
  console.log(`\n${name} / version: ${ratio.toFixed(2)}× (target ≤ 1.15×)${ratio > 1.15 ? "  OVER" : ""}`);
}
console.log(
  `\nbinary size: ${(size / 1024 / 1024).toFixed(1)} MiB (${size} bytes); ${sh([bun, "--version"]).trim()}`,
);
