// Pings the Docker engine's socket (`GET /_ping`), once per socket per process.
import type { Env } from "../core/env.ts";
import { join } from "./paths.ts";
import { pathExists } from "./quick-read.ts";

export interface DockerEngineInput {
  env: Env;
  home: string;
  /** The engine's system-wide socket; tests point it elsewhere so the host's own Docker cannot interfere. */
  systemSocket?: string;
}

export interface PingOptions {
  timeoutMs?: number;
  allowTcp?: boolean;
}

export type DockerEndpoint =
  | { kind: "unix"; path: string; label: string }
  | { kind: "tcp"; host: string; port: number; label: string }
  | { kind: "unsupported"; label: string };

function parseDockerHost(value: string): DockerEndpoint {
  if (value.startsWith("unix://")) return { kind: "unix", path: value.slice("unix://".length), label: value };
  if (value.startsWith("tcp://")) {
    try {
      const url = new URL(value);
      const host = url.hostname.replace(/^\[(.*)\]$/, "$1");
      // 2375 is the engine's plain-HTTP port, the docker CLI's default for tcp:// without one.
      if (host) return { kind: "tcp", host, port: Number(url.port || 2375), label: value };
    } catch {}
  }
  return { kind: "unsupported", label: value };
}

/** DOCKER_HOST when set, else the first default socket that exists; undefined when there is none. */
export async function findDockerEndpoint(input: DockerEngineInput): Promise<DockerEndpoint | undefined> {
  const host = input.env.DOCKER_HOST?.trim();
  if (host) return parseDockerHost(host);
  const sockets = [
    input.systemSocket ?? "/var/run/docker.sock",
    ...(input.home ? [join(input.home, ".docker/run/docker.sock")] : []),
  ];
  for (const path of sockets)
    if (await pathExists(path)) return { kind: "unix", path, label: `unix://${path}` };
  return undefined;
}

async function askPing(endpoint: DockerEndpoint, deadline: number): Promise<boolean> {
  if (endpoint.kind === "unsupported") return false;
  if (endpoint.kind === "unix" && !(await pathExists(endpoint.path))) return false;
  const { createConnection } = await import("node:net");
  const remaining = deadline - Date.now();
  if (remaining <= 0) return false;
  return new Promise<boolean>((resolve) => {
    let head = "";
    let done = false;
    const socket =
      endpoint.kind === "unix"
        ? createConnection({ path: endpoint.path })
        : createConnection({ host: endpoint.host, port: endpoint.port });
    const finish = (ok: boolean) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(ok);
    };
    const timer = setTimeout(() => finish(false), remaining);
    const answered = () => /^HTTP\/1\.[01] 200(\s|$)/.test(head);
    socket.on("connect", () => socket.write("GET /_ping HTTP/1.0\r\nHost: docker\r\n\r\n"));
    socket.on("data", (chunk: Buffer) => {
      head += chunk.toString("latin1");
      if (head.includes("\r\n") || head.length > 1024) finish(answered());
    });
    socket.on("error", () => finish(false));
    socket.on("close", () => finish(answered()));
  });
}

const memo = new Map<string, Promise<boolean>>();

/** True when the engine answers 200 within timeoutMs in all; never throws; tcp:// only with allowTcp. */
export async function pingDockerEngine(
  input: DockerEngineInput,
  { timeoutMs = 500, allowTcp = false }: PingOptions = {},
): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  const work = (async () => {
    const endpoint = await findDockerEndpoint(input);
    if (!endpoint || (endpoint.kind === "tcp" && !allowTcp)) return false;
    let pending = memo.get(endpoint.label);
    if (!pending) {
      pending = askPing(endpoint, deadline).catch(() => false);
      memo.set(endpoint.label, pending);
    }
    return pending;
  })().catch(() => false);
  // A stat on a hung mount must not stretch the wait past the budget either.
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), timeoutMs);
  });
  try {
    return await Promise.race([work, late]);
  } finally {
    clearTimeout(timer);
  }
}

export function resetDockerEngineCache(): void {
  memo.clear();
}
