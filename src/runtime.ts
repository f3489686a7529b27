// The only module that knows whether Bun or Deno runs us.

declare const Bun: { version: string } | undefined;
declare const Deno:
  | {
      version: { deno: string };
      stdin: Terminal;
      stdout: Terminal;
      stderr: Terminal;
      env: { toObject(): Record<string, string>; get(name: string): string | undefined };
    }
  | undefined;
declare const require: (id: string) => unknown;
interface Terminal {
  isTerminal(): boolean;
}
interface Ffi {
  dlopen(lib: string, symbols: object): { symbols: { isatty(fd: number): number } };
  FFIType: { i32: unknown };
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

const libc: Record<string, string> = { linux: "libc.so.6", darwin: "/usr/lib/libSystem.B.dylib" };
let isatty: ((fd: number) => boolean) | undefined;

/**
 * Whether fd 0, 1 or 2 is a terminal. Under Bun, `process.stdout.isTTY` builds a stream that costs
 * ~8 MiB and ~7 ms at start-up, so we ask libc; elsewhere (or if that fails) the streams answer.
 */
export function isTerminal(fd: 0 | 1 | 2): boolean {
  if (typeof Deno !== "undefined") return [Deno.stdin, Deno.stdout, Deno.stderr][fd]?.isTerminal() ?? false;
  if (!isatty && typeof Bun !== "undefined" && libc[process.platform]) {
    try {
      const { dlopen, FFIType } = require("bun:ffi") as Ffi;
      const lib = dlopen(libc[process.platform] as string, {
        isatty: { args: [FFIType.i32], returns: FFIType.i32 },
      });
      isatty = (n) => lib.symbols.isatty(n) === 1;
    } catch {}
  }
  if (isatty) return isatty(fd);
  return !![process.stdin, process.stdout, process.stderr][fd]?.isTTY;
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
