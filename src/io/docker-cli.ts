// Finds the docker CLI (PATH, well-known places, login shell) and remembers a login-shell find on disk.
import type { Env } from "../core/env.ts";
import type { DockerCliSource } from "../core/payload-schema.ts";
import { runnableAt } from "../runtime.ts";
import { pathsFor } from "./paths.ts";
import { holdsNoBytes, readText, statPath } from "./quick-read.ts";

export type { DockerCliSource };

export interface DockerCliInput {
  env: Env;
  home: string;
  platform: string;
  dataDir: string;
}

export interface DockerCli {
  source: DockerCliSource;
  /** Absolute path of the binary, "" when absent; shown locally, never sent. */
  path: string;
}

export interface DockerCliOptions {
  loginShellTimeoutMs?: number;
}

const absent: DockerCli = { source: "absent", path: "" };
const failureTtlMs = 60_000;
const memoryFileName = "docker-cli.json";
// The memory is one short JSON line; anything larger is not ours.
const MEMORY_MAX_BYTES = 4096;

const macCandidates = [
  "/Applications/Docker.app/Contents/Resources/bin/docker",
  "/usr/local/bin/docker",
  "/opt/homebrew/bin/docker",
  "/opt/podman/bin/docker",
  "~/.docker/bin/docker",
  "~/.orbstack/bin/docker",
  "~/.rd/bin/docker",
];
const linuxCandidates = ["/usr/bin/docker", "/usr/local/bin/docker", "/snap/bin/docker", "~/.rd/bin/docker"];

async function isExecutable(file: string, platform: string): Promise<boolean> {
  const runnable = platform === "win32" ? undefined : runnableAt(file);
  if (runnable !== undefined) return runnable;
  try {
    const info = await statPath(file);
    // Windows has no x bit: the PATHEXT extension is what makes a file runnable there.
    return info.isFile() && (platform === "win32" || (info.mode & 0o111) !== 0);
  } catch {
    return false;
  }
}

async function firstExecutable(files: string[], platform: string): Promise<string> {
  for (const file of files) if (await isExecutable(file, platform)) return file;
  return "";
}

function splitPathList(value: string | undefined, platform: string): string[] {
  return (value ?? "").split(platform === "win32" ? ";" : ":").filter((entry) => entry.trim() !== "");
}

function expandHome(entry: string, input: DockerCliInput): string | undefined {
  if (entry !== "~" && !entry.startsWith("~/")) return entry;
  return input.home ? pathsFor(input.platform).join(input.home, entry.slice(1)) : undefined;
}

/** Step 1: a docker executable on PATH; relative PATH entries are skipped, as Go's LookPath refuses them. */
export async function findOnPath(input: DockerCliInput): Promise<string> {
  const path = pathsFor(input.platform);
  const names =
    input.platform === "win32"
      ? splitPathList(input.env.PATHEXT ?? ".COM;.EXE;.BAT;.CMD", "win32").map(
          (ext) => `docker${ext.toLowerCase()}`,
        )
      : ["docker"];
  const dirs = splitPathList(input.env.PATH ?? input.env.Path, input.platform).filter((d) =>
    path.isAbsolute(d),
  );
  return firstExecutable(
    dirs.flatMap((dir) => names.map((name) => path.join(dir, name))),
    input.platform,
  );
}

/** The well-known install places, or MCPPROXY_DOCKER_CANDIDATES instead when it is set and non-empty. */
export function bundledCandidates(input: DockerCliInput): string[] {
  const custom = splitPathList(input.env.MCPPROXY_DOCKER_CANDIDATES, input.platform);
  let list: string[];
  if (custom.length > 0) list = custom;
  else if (input.platform === "darwin") list = macCandidates;
  else if (input.platform === "win32") {
    const programFiles = input.env.ProgramFiles || input.env.PROGRAMFILES || "C:\\Program Files";
    list = [pathsFor("win32").join(programFiles, "Docker", "Docker", "resources", "bin", "docker.exe")];
  } else list = linuxCandidates;
  return list.flatMap((entry) => expandHome(entry, input) ?? []);
}

/** Step 2. */
export async function findBundled(input: DockerCliInput): Promise<string> {
  return firstExecutable(bundledCandidates(input), input.platform);
}

/** Step 3: `$SHELL -l -c 'command -v docker'`, killed with its whole process group after the timeout. */
export async function findWithLoginShell(input: DockerCliInput, timeoutMs = 5000): Promise<string> {
  if (input.platform === "win32") return "";
  const { spawn } = await import("node:child_process");
  const shell = input.env.SHELL || "/bin/bash";
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(input.env)) if (value !== undefined) env[key] = value;
  const output = await new Promise<string>((resolve) => {
    let stdout = "";
    let done = false;
    const finish = (text: string) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      resolve(text);
    };
    // detached: a new process group, so a hung profile's children die with the shell.
    const child = spawn(shell, ["-l", "-c", "command -v docker"], {
      env,
      detached: true,
      stdio: ["ignore", "pipe", "ignore"],
    });
    const timer = setTimeout(() => {
      try {
        if (child.pid) process.kill(-child.pid, "SIGKILL");
      } catch {
        child.kill("SIGKILL");
      }
      finish("");
    }, timeoutMs);
    child.stdout?.on("data", (chunk: Buffer) => {
      if (stdout.length < 65_536) stdout += chunk.toString("utf8");
    });
    child.on("error", () => finish(""));
    child.on("close", (code) => finish(code === 0 ? stdout : ""));
  });
  // A chatty profile may print before the answer, so the last absolute path line is the answer.
  const lines = output.split(/\r?\n/).map((line) => line.trim());
  const found = lines.filter((line) => line.startsWith("/")).pop() ?? "";
  return found && (await isExecutable(found, input.platform)) ? found : "";
}

function memoryFile(input: DockerCliInput): string {
  return pathsFor(input.platform).join(input.dataDir, memoryFileName);
}

async function readMemory(input: DockerCliInput): Promise<string> {
  if (holdsNoBytes(memoryFile(input))) return "";
  try {
    const parsed: unknown = JSON.parse(await readText(memoryFile(input), MEMORY_MAX_BYTES));
    const { path, source } = (parsed ?? {}) as { path?: unknown; source?: unknown };
    if (source !== "login_shell" || typeof path !== "string" || !path.startsWith("/")) return "";
    return (await isExecutable(path, input.platform)) ? path : "";
  } catch {
    return "";
  }
}

async function writeMemory(input: DockerCliInput, path: string): Promise<void> {
  try {
    const [{ mkdir }, { writeFileAtomic }] = await Promise.all([
      import("node:fs/promises"),
      import("./atomic-file.ts"),
    ]);
    await mkdir(input.dataDir, { recursive: true, mode: 0o700 });
    await writeFileAtomic(memoryFile(input), `${JSON.stringify({ path, source: "login_shell" })}\n`);
  } catch {
    // Remembering is an optimisation for show-payload; failing to is not the user's problem.
  }
}

async function forgetMemory(input: DockerCliInput): Promise<void> {
  const { rm } = await import("node:fs/promises");
  await rm(memoryFile(input), { force: true }).catch(() => {});
}

/** For show-payload: steps 1 and 2, then the remembered login-shell find; never spawns. */
export async function resolveDockerCliCheap(input: DockerCliInput): Promise<DockerCli> {
  const onPath = await findOnPath(input);
  if (onPath) return { source: "path", path: onPath };
  const bundled = await findBundled(input);
  if (bundled) return { source: "bundled", path: bundled };
  const remembered = input.platform === "win32" ? "" : await readMemory(input);
  return remembered ? { source: "login_shell", path: remembered } : absent;
}

async function resolveFully(input: DockerCliInput, options: DockerCliOptions): Promise<DockerCli> {
  let result: DockerCli = absent;
  const onPath = await findOnPath(input);
  if (onPath) result = { source: "path", path: onPath };
  else {
    const bundled = await findBundled(input);
    if (bundled) result = { source: "bundled", path: bundled };
    else {
      const viaShell = await findWithLoginShell(input, options.loginShellTimeoutMs);
      if (viaShell) result = { source: "login_shell", path: viaShell };
    }
  }
  if (result.source === "login_shell") await writeMemory(input, result.path);
  else await forgetMemory(input);
  return result;
}

interface CacheEntry {
  pending: Promise<DockerCli>;
  result?: DockerCli;
  at: number;
}

const cache = new Map<string, CacheEntry>();

function cacheKey(input: DockerCliInput): string {
  const { env } = input;
  return JSON.stringify([
    input.platform,
    input.home,
    input.dataDir,
    env.PATH ?? env.Path,
    env.PATHEXT,
    env.SHELL,
    env.MCPPROXY_DOCKER_CANDIDATES,
    env.ProgramFiles ?? env.PROGRAMFILES,
  ]);
}

/** All four steps; a find is cached for the process, a miss for 60 s (during which step 2 is retried). */
export async function resolveDockerCli(
  input: DockerCliInput,
  now: () => number = Date.now,
  options: DockerCliOptions = {},
): Promise<DockerCli> {
  const key = cacheKey(input);
  const cached = cache.get(key);
  if (cached) {
    const result = cached.result ?? (await cached.pending);
    if (result.source !== "absent") return result;
    if (now() - cached.at < failureTtlMs) {
      const bundled = await findBundled(input);
      if (!bundled) return result;
      const upgraded: DockerCli = { source: "bundled", path: bundled };
      cache.set(key, { pending: Promise.resolve(upgraded), result: upgraded, at: now() });
      return upgraded;
    }
  }
  const entry: CacheEntry = { pending: resolveFully(input, options), at: now() };
  cache.set(key, entry);
  entry.result = await entry.pending;
  // A miss's 60 s start when it is known, not when the 5 s shell wait began.
  entry.at = now();
  return entry.result;
}

export function resetDockerCliCache(): void {
  cache.clear();
}
