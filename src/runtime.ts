// The only module that knows whether Bun or Deno runs us.

declare const Bun:
  | {
      version: string;
      file(path: string): BunFile;
      which(command: string): string | null;
      write(to: unknown, bytes: Uint8Array): Promise<number>;
      stdout: unknown;
      unsafe?: { setJITPolicy?(scale: number): void };
      gc(force?: boolean): void;
    }
  | undefined;
export interface BunFile {
  stat(): Promise<FileInfo>;
  stream(): ReadableStream<Uint8Array>;
  readonly size: number;
  /** A synchronous stat; 2^52 - 1 when the path cannot be stat'ed. */
  readonly lastModified: number;
}
/** What a stat says that our readers look at. */
export interface FileInfo {
  isFile(): boolean;
  size: number;
  mode: number;
}
declare const Deno:
  | {
      version: { deno: string };
      stdin: Terminal;
      stdout: Terminal;
      stderr: Terminal;
      env: { toObject(): Record<string, string>; get(name: string): string | undefined };
    }
  | undefined;
interface Terminal {
  isTerminal(): boolean;
}
declare const MCPPROXY_VERSION: string | undefined;

export function runtimeVersion(): string {
  if (typeof Bun !== "undefined") return `bun ${Bun.version}`;
  if (typeof Deno !== "undefined") return `deno ${Deno.version.deno}`;
  return `node ${process.versions.node}`;
}

/** `v<semver>` injected by scripts/build.ts; source runs report `dev`. */
export function buildVersion(): string {
  return typeof MCPPROXY_VERSION === "string" ? MCPPROXY_VERSION : "dev";
}

const goOs: Record<string, string> = { win32: "windows", sunos: "solaris" };
const goArch: Record<string, string> = { x64: "amd64", ia32: "386" };

/** Go-style GOOS/GOARCH names, as the Go edition reports them. */
export function platformNames(
  platform = process.platform,
  arch = process.arch,
): { os: string; arch: string } {
  return { os: goOs[platform] ?? platform, arch: goArch[arch] ?? arch };
}

// The variables whose value decides a path or the opt-out: under Deno, one that is not UTF-8 must not vanish.
const DECIDING_VARS = [
  "HOME",
  "USERPROFILE",
  "MCPPROXY_CONFIG",
  "MCPPROXY_DATA_DIR",
  "DO_NOT_TRACK",
  "CI",
  "MCPPROXY_TELEMETRY",
];
let env: Readonly<Record<string, string | undefined>> | undefined;

/**
 * The environment as a plain map. Bun turns bytes that are not UTF-8 into U+FFFD; Deno's process.env throws
 * on them and its toObject() leaves them out, so there such a deciding variable reads as U+FFFD too.
 */
export function processEnv(): Readonly<Record<string, string | undefined>> {
  if (env) return env;
  if (typeof Deno === "undefined") {
    env = process.env;
    return env;
  }
  const map: Record<string, string | undefined> = Deno.env.toObject();
  for (const name of DECIDING_VARS) {
    if (name in map) continue;
    try {
      Deno.env.get(name);
    } catch {
      map[name] = "\uFFFD";
    }
  }
  env = map;
  return env;
}

/**
 * Whether fd 0, 1 or 2 is a terminal. Under Bun, `process.stdout.isTTY` builds a stream that costs ~8 MiB and
 * ~7 ms at start-up and bun:ffi ~1.3 ms, so we ask Bun's `tty_wrap` binding (Bun tests it against
 * `tty.isatty`); elsewhere, or if that is gone, the streams answer.
 */
export function isTerminal(fd: 0 | 1 | 2): boolean {
  if (typeof Deno !== "undefined") return [Deno.stdin, Deno.stdout, Deno.stderr][fd]?.isTerminal() ?? false;
  if (typeof Bun !== "undefined") {
    try {
      const binding = (process as unknown as { binding(name: string): TtyWrap }).binding("tty_wrap");
      return binding.isTTY(fd);
    } catch {}
  }
  return !![process.stdin, process.stdout, process.stderr][fd]?.isTTY;
}
interface TtyWrap {
  isTTY(fd: number): boolean;
}

export interface ProxyInit {
  /** Extra fetch options that route one request through `proxy`, or straight to the host. */
  init: Record<string, unknown>;
  close(): void;
}

/**
 * Bun takes `proxy` on each fetch (false: direct, even with HTTP_PROXY in the process); Deno needs its own
 * client for a proxy, and without one falls back to the proxy variables it read from the process.
 */
export function fetchProxy(proxy: string | null): ProxyInit {
  if (typeof Bun === "undefined" && typeof Deno !== "undefined") {
    if (!proxy) return { init: {}, close() {} };
    const deno = Deno as unknown as { createHttpClient(options: object): { close(): void } };
    const client = deno.createHttpClient({ proxy: { url: proxy } });
    return { init: { client }, close: () => client.close() };
  }
  return { init: { proxy: proxy ?? false }, close() {} };
}

/**
 * Bun's own file API for a path, or undefined under Deno. Under Bun, loading node:fs costs a start-up ~4 ms
 * and ~6 MiB, so the read-only paths of a command go through this (see io/quick-read.ts).
 */
export function bunFile(path: string): BunFile | undefined {
  return typeof Bun === "undefined" ? undefined : Bun.file(path);
}

/**
 * Whether an absolute path is a file this user may run, from Bun's synchronous which (a stat and access(X_OK));
 * undefined under Deno, or for a relative path, which `which` would look up on PATH instead.
 */
export function runnableAt(path: string): boolean | undefined {
  if (typeof Bun === "undefined" || !path.startsWith("/")) return undefined;
  return Bun.which(path) !== null;
}

/** Writes all of `bytes` to stdout; a failure rejects with the errno in `code` (EPIPE, ENOSPC, …). */
export async function writeStdoutBytes(bytes: Uint8Array): Promise<void> {
  if (typeof Bun !== "undefined") {
    await Bun.write(Bun.stdout, bytes);
    return;
  }
  const { writeSync } = await import("node:fs");
  let offset = 0;
  let waits = 0;
  while (offset < bytes.length) {
    try {
      offset += writeSync(1, bytes, offset);
    } catch (error) {
      // A non-blocking pipe that is full: wait for the reader, a millisecond at a time, at most ten seconds.
      if ((error as { code?: string }).code !== "EAGAIN" || waits++ >= 10_000) throw error;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1);
    }
  }
}

/**
 * The binary starts with JavaScriptCore's tier-up thresholds scaled up (scripts/build-flags.ts), so a short
 * command's run-once code stays in the interpreter. Long work (a server, a log's million lines) calls this
 * first, to be compiled as usual. A no-op under Deno and in Bun builds without the policy.
 */
export function useNormalJit(): void {
  if (typeof Bun !== "undefined") Bun.unsafe?.setJITPolicy?.(1);
}

/**
 * Asks the garbage collector to run soon, without waiting for it. Long work whose garbage is small strings calls
 * this now and then: left to its own pace, the collector let a 4M-line log's peak RSS grow by ~10 MiB. A no-op
 * under Deno.
 */
export function collectGarbageSoon(): void {
  if (typeof Bun !== "undefined") Bun.gc(false);
}
