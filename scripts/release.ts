// `npm run release`: mcpproxy for each target, packed as mcpproxy-<version>-<os>-<arch>.tar.gz (.zip for
// Windows), with SHA256SUMS, install.sh and VERSION, into dist/release/<version>/ (only when every target built).
// Usage: bun scripts/release.ts [--version=1.2.3] [--targets=linux-x64,windows-x64] [--out=dist/release]
//        [--runtimes=DIR] (where the targets' Bun executables are kept; default node_modules/.cache)
import { createHash } from "node:crypto";
import { copyFile, mkdir, rename, rm } from "node:fs/promises";
import { join, resolve } from "node:path";
import { gzipSync } from "node:zlib";
import pkg from "../package.json" with { type: "json" };
import { bunRuntime, type Target } from "./release/bun-runtime.ts";
import { zipOne } from "./release/zip.ts";

const ROOT = resolve(import.meta.dir, "..");

export const TARGETS: readonly Target[] = [
  { name: "linux-x64", os: "linux", arch: "x64" },
  { name: "linux-arm64", os: "linux", arch: "arm64" },
  { name: "darwin-x64", os: "darwin", arch: "x64" },
  { name: "darwin-arm64", os: "darwin", arch: "arm64" },
  { name: "windows-x64", os: "windows", arch: "x64" },
];

// semver.org's grammar: no leading "v", no leading zeros, optional pre-release and build parts.
const IDENT = "(?:0|[1-9]\\d*|\\d*[A-Za-z-][0-9A-Za-z-]*)";
const SEMVER = new RegExp(
  `^(?:0|[1-9]\\d*)\\.(?:0|[1-9]\\d*)\\.(?:0|[1-9]\\d*)(?:-${IDENT}(?:\\.${IDENT})*)?(?:\\+[0-9A-Za-z-]+(?:\\.[0-9A-Za-z-]+)*)?$`,
);
export const isSemver = (version: string) => SEMVER.test(version);

export const archiveName = (version: string, target: Target) =>
  `mcpproxy-${version}-${target.name}.${target.os === "windows" ? "zip" : "tar.gz"}`;

function run(cmd: string[]): Uint8Array {
  const r = Bun.spawnSync(cmd, { cwd: ROOT, stdout: "pipe", stderr: "pipe" });
  if (r.exitCode === 0) return r.stdout;
  const last = r.stderr.toString().trim().split("\n").filter(Boolean).pop() ?? `exit ${r.exitCode}`;
  throw new Error(`${cmd[0]} failed: ${last}`);
}

/** The file time inside tarballs: SOURCE_DATE_EPOCH, else the commit's time, so rebuilds give the same bytes. */
function sourceEpoch(): number {
  const given = Number(process.env.SOURCE_DATE_EPOCH);
  if (Number.isSafeInteger(given) && given >= 0) return given;
  const r = Bun.spawnSync(["git", "log", "-1", "--format=%ct"], {
    cwd: ROOT,
    stdout: "pipe",
    stderr: "ignore",
  });
  return Number(r.stdout.toString().trim()) || 0;
}

/** GNU tar, sorted and owned by 0:0 at one time, then gzip with no name or time in its header. */
export function packTarball(dir: string, file: string, epoch: number): Uint8Array {
  const tar = run([
    "tar",
    "--sort=name",
    "--owner=0",
    "--group=0",
    "--numeric-owner",
    `--mtime=@${epoch}`,
    "--mode=0755",
    "-cf",
    "-",
    "-C",
    dir,
    file,
  ]);
  return gzipSync(tar);
}

async function buildTarget(target: Target, version: string, work: string, runtimes: string) {
  const executable = await bunRuntime(target, runtimes);
  const binary = join(work, target.name, target.os === "windows" ? "mcpproxy.exe" : "mcpproxy");
  run([
    process.execPath,
    "scripts/build.ts",
    `--target=bun-${target.os}-${target.arch}`,
    `--outfile=${binary}`,
    `--version=${version}`,
    `--executable=${executable}`,
  ]);
  if (target.os === "windows") return zipOne("mcpproxy.exe", await Bun.file(binary).bytes(), 0o755);
  return packTarball(join(work, target.name), "mcpproxy", sourceEpoch());
}

const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");

async function main(): Promise<number> {
  const option = (name: string) =>
    process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
  const version = option("version") ?? pkg.version;
  const out = resolve(ROOT, option("out") ?? "dist/release");
  const runtimes = resolve(ROOT, option("runtimes") ?? "node_modules/.cache/mcpproxy-release");
  if (!isSemver(version)) {
    console.error(`release: "${version}" is not a semver version (1.2.3, 1.2.3-rc.1; no leading v)`);
    return 1;
  }
  const names = option("targets")?.split(",") ?? TARGETS.map((t) => t.name);
  const unknown = names.filter((n) => !TARGETS.some((t) => t.name === n));
  if (unknown.length > 0 || names.length === 0) {
    console.error(
      `release: unknown target ${unknown.join(", ")}; known: ${TARGETS.map((t) => t.name).join(", ")}`,
    );
    return 1;
  }
  const targets = TARGETS.filter((t) => names.includes(t.name));

  // Built aside and moved into place whole: a failed run leaves no folder that looks like a release.
  const stage = join(out, `.${version}.partial`);
  const final = join(out, version);
  await rm(stage, { recursive: true, force: true });
  await mkdir(join(stage, ".work"), { recursive: true });
  const failed: string[] = [];
  const sums: string[] = [];
  try {
    for (const target of targets) {
      const name = archiveName(version, target);
      try {
        const archive = await buildTarget(target, version, join(stage, ".work"), runtimes);
        await Bun.write(join(stage, name), archive);
        sums.push(`${sha256(archive)}  ${name}`);
        console.log(`built ${target.name}: ${name}`);
      } catch (error) {
        failed.push(target.name);
        console.error(`release: ${target.name} not built: ${(error as Error).message}`);
      }
    }
    if (failed.length > 0) {
      console.error(
        `release: ${failed.length} target(s) not built: ${failed.join(", ")}; nothing was released`,
      );
      return 1;
    }
    await rm(join(stage, ".work"), { recursive: true });
    await copyFile(join(ROOT, "scripts/install.sh"), join(stage, "install.sh"));
    sums.push(`${sha256(await Bun.file(join(stage, "install.sh")).bytes())}  install.sh`);
    await Bun.write(join(stage, "VERSION"), `v${version}\n`);
    await Bun.write(
      join(stage, "SHA256SUMS"),
      `${sums.sort((a, b) => (a.slice(66) < b.slice(66) ? -1 : 1)).join("\n")}\n`,
    );
    await rm(final, { recursive: true, force: true });
    await rename(stage, final);
    console.log(`release ${version}: ${final}`);
    return 0;
  } finally {
    await rm(stage, { recursive: true, force: true });
  }
}

if (import.meta.main) process.exitCode = await main();
