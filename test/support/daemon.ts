// Starts a real `mcpproxy serve` (source, compiled or Deno) on port 0 in a temp home, and talks to it over HTTP.
import { afterAll } from "bun:test";
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { cleanEnv, ROOT, type Runner, tempDir } from "./cli.ts";

export interface Home {
  dir: string;
  data: string;
  config: string;
}

const homes: string[] = [];
const procs: Array<{ kill(signal?: number | NodeJS.Signals): void }> = [];
afterAll(async () => {
  for (const p of procs) p.kill("SIGKILL");
  await Promise.all(homes.map((dir) => rm(dir, { recursive: true, force: true })));
});

/** A temp home whose data dir holds this config (none when `config` is undefined). */
export async function makeHome(config?: Record<string, unknown> | string): Promise<Home> {
  const dir = await tempDir("mcpx-daemon-");
  homes.push(dir);
  const data = join(dir, ".mcpproxy");
  await mkdir(data, { recursive: true, mode: 0o700 });
  const path = join(data, "mcp_config.json");
  if (config !== undefined) {
    await writeFile(path, typeof config === "string" ? config : `${JSON.stringify(config, null, 2)}\n`);
  }
  return { dir, data, config: path };
}

export interface Daemon {
  url: string;
  key: string;
  pid: number;
  home: Home;
  /** Everything the daemon wrote to stderr so far. */
  stderr: () => string;
  stdout: () => string;
  exited: Promise<number>;
  /** A fetch to the daemon with the key (unless given headers say otherwise) and a client header. */
  get: (path: string, headers?: Record<string, string>) => Promise<Response>;
  post: (path: string, body: unknown, headers?: Record<string, string>) => Promise<Response>;
  stop: (signal?: NodeJS.Signals) => Promise<number>;
}

export interface StartResult {
  code: number | null;
  stdout: string;
  stderr: string;
  daemon: Daemon | null;
}

async function drain(stream: ReadableStream<Uint8Array>, into: { text: string }, onText?: () => void) {
  const decoder = new TextDecoder();
  for await (const chunk of stream) {
    into.text += decoder.decode(chunk, { stream: true });
    onText?.();
  }
}

/**
 * Spawns `serve --listen 127.0.0.1:0` (plus `args`) and waits for its "listening on" line, or for it to exit
 * (then `daemon` is null and `code` says how it ended).
 */
export async function startServe(
  runner: Runner,
  home: Home,
  options: { args?: string[]; env?: Record<string, string>; listen?: string; ms?: number } = {},
): Promise<StartResult> {
  const listen =
    options.listen === undefined
      ? ["--listen", "127.0.0.1:0"]
      : options.listen
        ? ["--listen", options.listen]
        : [];
  const proc = Bun.spawn([...runner.command, "serve", ...listen, ...(options.args ?? [])], {
    env: cleanEnv(home.dir, { MCPPROXY_TEST_FLUSH_EVERY: "200ms", ...options.env }),
    cwd: ROOT,
    stdin: "ignore",
    stdout: "pipe",
    stderr: "pipe",
  });
  procs.push(proc);
  const out = { text: "" };
  const err = { text: "" };
  let seen: (line: string) => void = () => {};
  const line = new Promise<string>((resolve) => {
    seen = resolve;
  });
  const check = () => {
    const m = /^listening on (\S+)\n/m.exec(out.text);
    if (m) seen(m[1] as string);
  };
  void drain(proc.stdout, out, check);
  void drain(proc.stderr, err);
  const exited = proc.exited;
  const timeout = new Promise<"timeout">((r) => setTimeout(() => r("timeout"), options.ms ?? 20_000));
  const first = await Promise.race([line, exited.then((code) => ({ code })), timeout]);
  if (first === "timeout") {
    proc.kill("SIGKILL");
    throw new Error(`serve did not start in time; stderr: ${err.text}`);
  }
  if (typeof first === "object") {
    // Let the pipes finish.
    await Bun.sleep(20);
    return { code: first.code, stdout: out.text, stderr: err.text, daemon: null };
  }
  const config = JSON.parse(await readFile(home.config, "utf8"));
  const key = config.api_key as string;
  const state = JSON.parse(await readFile(join(home.data, "daemon.json"), "utf8"));
  const url = state.url as string;
  const headers = (extra: Record<string, string> = {}) => ({
    "x-api-key": key,
    "x-mcpproxy-client": "test/1",
    ...extra,
  });
  const daemon: Daemon = {
    url,
    key,
    pid: proc.pid,
    home,
    stderr: () => err.text,
    stdout: () => out.text,
    exited,
    get: (path, extra) => fetch(`${url}${path}`, { headers: headers(extra) }),
    post: (path, body, extra) =>
      fetch(`${url}${path}`, {
        method: "POST",
        headers: { "content-type": "application/json", ...headers(extra) },
        body:
          typeof body === "string" || body instanceof Uint8Array ? (body as BodyInit) : JSON.stringify(body),
      }),
    stop: async (signal = "SIGTERM") => {
      proc.kill(signal);
      return exited;
    },
  };
  return { code: null, stdout: out.text, stderr: err.text, daemon };
}

/** startServe that must succeed. */
export async function serve(runner: Runner, home: Home, options: Parameters<typeof startServe>[2] = {}) {
  const started = await startServe(runner, home, options);
  if (!started.daemon) {
    throw new Error(`serve exited ${started.code}: ${started.stderr}`);
  }
  return started.daemon;
}

/** Polls until `check` holds (no fixed sleeps in tests); fails after `ms`. */
export async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined | false> | T | undefined | false,
  ms = 15_000,
): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await Bun.sleep(25);
  }
}

export const readJson = async (path: string) => JSON.parse(await readFile(path, "utf8"));

export const readJsonOrNull = (path: string) => readJson(path).catch(() => null);
