// `bun scripts/bench/features.ts`: what each runtime feature a command's start-up may use costs on its own, over
// the compiled hello-world floor, in time and peak RSS. Each is a few lines compiled with the binary's flags: the
// part of issue 15's figures that no project code sets. Needs hyperfine and python3; figures go to .bench/.
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { buildFlags } from "../build-flags.ts";
import { hyperfine, peakRssMiB, ROOT, sh } from "./shell.ts";

const dir = join(ROOT, ".bench/features");
const config = join(dir, "config.json");
const RUNS = Number(process.env.BENCH_RUNS ?? 100);

// Inside the repository, so `valibot` resolves from its node_modules.
const FEATURES: Record<string, string> = {
  "hello (floor)": `console.log("hello");`,
  "Bun.file().size (synchronous stat)": `console.log(Bun.file(${JSON.stringify(config)}).size);`,
  "Bun.file().stream() read": `let n = 0;
for await (const chunk of Bun.file(${JSON.stringify(config)}).stream()) n += chunk.length;
console.log(n);`,
  "Bun.file().bytes() read (I/O thread pool)": `console.log((await Bun.file(${JSON.stringify(config)}).bytes()).length);`,
  "node:fs readFileSync": `import { readFileSync } from "node:fs";
console.log(readFileSync(${JSON.stringify(config)}).length);`,
  "node:path join, resolve": `import { join, resolve } from "node:path";
console.log(join("a", "b"), resolve("c"));`,
  "node:os hostname": `import { hostname } from "node:os";
console.log(hostname().length);`,
  "JSON.parse, JSON.stringify": `console.log(JSON.stringify(JSON.parse('{"a":[1,{"b":"c"}]}'), null, 2).length);`,
  "three regular expressions": `console.log(/^(?:bun|deno) [0-9A-Za-z.+-]+$/.test("bun 1"), /^[0-9a-f]{8}-[0-9a-f]{4}$/i.test("x"), "a-b".replace(/-/g, "+"));`,
  TextDecoder: `console.log(new TextDecoder("utf-8", { ignoreBOM: true }).decode(new Uint8Array([104, 105])));`,
  "valibot parse": `import * as v from "valibot";
console.log(v.parse(v.object({ a: v.optional(v.string()), b: v.number() }), { b: 1 }).b);`,
  "Object.fromEntries, flatMap, Array.from": `console.log(Object.fromEntries([["a", 1]]), [1].flatMap((x) => [x]), Array.from(new Set([2])));`,
  "async functions, Promise.all": `const f = async (x: number) => { await null; return x + 1; };
console.log(await Promise.all([f(1), f(2)]));`,
  "crypto.randomUUID, Date ISO": `console.log(crypto.randomUUID().length, new Date(0).toISOString());`,
  "Bun.write(Bun.stdout)": `await Bun.write(Bun.stdout, new TextEncoder().encode("hello\\n"));`,
};

if (!Bun.which("hyperfine")) {
  console.error("hyperfine is missing: apt-get install -y hyperfine");
  process.exit(1);
}
await mkdir(dir, { recursive: true });
await writeFile(config, await readFile(join(ROOT, "test/fixtures/configs/e2e-config.json")));
const names = Object.keys(FEATURES);
const binaries = await Promise.all(
  names.map(async (name, i) => {
    const source = join(dir, `feature-${i}.ts`);
    await writeFile(source, `${FEATURES[name]}\n`);
    return join(dir, `feature-${i}`);
  }),
);
for (const binary of binaries)
  sh([process.execPath, "build", `${binary}.ts`, ...buildFlags, `--outfile=${binary}`]);

const results = await hyperfine(
  binaries.map((binary, i) => ({ name: names[i] as string, cmd: [binary] })),
  RUNS,
  join(dir, "features.json"),
);
const rss = (binary: string) => peakRssMiB([binary], 20);
const floorMs = (results[0]?.median ?? Number.NaN) * 1000;
const floorRss = rss(binaries[0] as string);

console.log("\n| feature, alone | median | over floor | peak RSS | over floor |");
console.log("|---|---|---|---|---|");
for (const [i, r] of results.entries()) {
  const ms = r.median * 1000;
  const peak = i === 0 ? floorRss : rss(binaries[i] as string);
  const over = (value: number, unit: string) =>
    i === 0 ? "" : `${value >= 0 ? "+" : ""}${value.toFixed(1)} ${unit}`;
  console.log(
    `| ${names[i]} | ${ms.toFixed(1)} ms | ${over(ms - floorMs, "ms")} | ${peak.toFixed(1)} MiB | ${over(peak - floorRss, "MiB")} |`,
  );
}
