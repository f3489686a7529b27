// The Bun executable a release target is compiled onto: the running Bun for this machine's own target, else
// the `@oven/bun-<os>-<arch>` package from the npm registry, checked against package-lock.json's integrity.
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readdir, rename, rm } from "node:fs/promises";
import { join } from "node:path";

export interface Target {
  name: string;
  os: "linux" | "darwin" | "windows";
  arch: "x64" | "arm64";
}

const ROOT = join(import.meta.dir, "../..");

// npm names arm64 "aarch64"; Bun's --target says arm64.
const packageOf = (t: Target) => `@oven/bun-${t.os}-${t.arch === "arm64" ? "aarch64" : "x64"}`;
const executableOf = (t: Target) => (t.os === "windows" ? "bun.exe" : "bun");

function run(cmd: string[], cwd: string, env?: Record<string, string | undefined>): string {
  const r = Bun.spawnSync(cmd, { cwd, env: env ?? process.env, stdout: "pipe", stderr: "pipe" });
  if (r.exitCode === 0) return r.stdout.toString();
  const last = r.stderr.toString().trim().split("\n").filter(Boolean).pop() ?? `exit ${r.exitCode}`;
  throw new Error(`${cmd.slice(0, 2).join(" ")} failed: ${last}`);
}

async function lockEntry(pkg: string): Promise<{ version: string; integrity: string }> {
  const lock = await Bun.file(join(ROOT, "package-lock.json")).json();
  const entry = lock.packages?.[`node_modules/${pkg}`];
  if (!entry?.version || !entry?.integrity) throw new Error(`package-lock.json has no entry for ${pkg}`);
  return entry;
}

const hostOs = process.platform === "win32" ? "windows" : process.platform;
const isNative = (t: Target) => t.os === hostOs && t.arch === process.arch;

/** The path of the Bun executable for `target`, fetched into `cache` once. */
export async function bunRuntime(target: Target, cache: string): Promise<string> {
  const pkg = packageOf(target);
  const { version, integrity } = await lockEntry(pkg);
  // A compiled file is only read by the exact Bun that wrote it.
  if (version !== Bun.version)
    throw new Error(`${pkg}@${version} in the lock, but the compiler is Bun ${Bun.version}`);
  // npm ci installed this machine's own package (and moved its executable to be the running Bun).
  if (isNative(target)) return process.execPath;
  const dir = join(cache, `${pkg.replace("/", "+")}@${version}`);
  const executable = join(dir, "package/bin", executableOf(target));
  if (existsSync(executable)) return executable;

  await mkdir(cache, { recursive: true });
  const work = await mkdtemp(join(cache, ".fetch-"));
  try {
    run(["npm", "pack", `${pkg}@${version}`, "--silent", "--pack-destination", work], work);
    const tgz = (await readdir(work)).find((f) => f.endsWith(".tgz"));
    if (!tgz) throw new Error(`npm pack ${pkg}@${version} wrote no archive`);
    const [algorithm, expected] = integrity.split(/-(.*)/s) as [string, string];
    const actual = createHash(algorithm)
      .update(await Bun.file(join(work, tgz)).bytes())
      .digest("base64");
    if (actual !== expected)
      throw new Error(`${pkg}@${version} does not match package-lock.json's integrity`);
    const unpacked = join(work, "unpacked");
    await mkdir(unpacked);
    run(["tar", "-xzf", join(work, tgz), "-C", unpacked, `package/bin/${executableOf(target)}`], work);
    await rm(dir, { recursive: true, force: true });
    await rename(unpacked, dir);
    return executable;
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
