// The CLI's side of the daemon: finds the one serving this data dir and config, and asks it over loopback HTTP.
import * as v from "valibot";
import { type DaemonFile, type DaemonStatus, DaemonStatusSchema } from "../core/daemon-info.ts";
import { fetchProxy } from "../runtime.ts";
import { readDaemonFile } from "./daemon-file.ts";
import { isAlive, processStart } from "./process-info.ts";

export interface Daemon {
  url: string;
  pid: number;
  status: DaemonStatus;
  /** Sent on every request, with `X-MCPProxy-Client: cli/<version>`. */
  headers: Record<string, string>;
}

export interface DaemonWhere {
  dataDir: string;
  configPath: string;
  /** This CLI's version, for the client header. */
  version: string;
}

// A live daemon answers its status in a millisecond or two; one that takes longer is treated as absent.
const FIND_TIMEOUT_MS = 300;

export class DaemonUnavailable extends Error {
  override readonly name = "DaemonUnavailable";
}

async function sameProcess(file: DaemonFile): Promise<boolean> {
  if (!isAlive(file.pid)) return false;
  if (file.start === undefined) return true;
  const now = await processStart(file.pid);
  // Unknown now (no /proc): the status request below decides.
  return now === undefined || `${now.boot}:${now.ticks}` === file.start;
}

/** One request to the daemon; the body is JSON text. Throws DaemonUnavailable when it does not answer in time. */
export async function askDaemon(
  daemon: Pick<Daemon, "url" | "headers">,
  method: string,
  path: string,
  options: { body?: unknown; timeoutMs?: number } = {},
): Promise<{ status: number; text: string }> {
  // Straight to loopback, whatever HTTP_PROXY says (Bun; Deno reads the proxy variables itself).
  const proxy = fetchProxy(null);
  try {
    const response = await fetch(`${daemon.url}${path}`, {
      method,
      headers: {
        ...daemon.headers,
        ...(options.body === undefined ? {} : { "content-type": "application/json" }),
      },
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      signal: AbortSignal.timeout(options.timeoutMs ?? 60_000),
      redirect: "manual",
      ...proxy.init,
    });
    return { status: response.status, text: await response.text() };
  } catch (error) {
    throw new DaemonUnavailable(`the daemon at ${daemon.url} did not answer: ${(error as Error).message}`);
  } finally {
    proxy.close();
  }
}

/**
 * The daemon for this data dir and config, or null: its state file, a live process with the same start,
 * and an answer to GET /api/v1/status with our key within 300 ms. A stale file (a killed daemon) is ignored.
 */
export async function findDaemon(
  where: DaemonWhere,
  keyOf: () => Promise<string | null | undefined>,
): Promise<Daemon | null> {
  const file = await readDaemonFile(where.dataDir);
  if (!file || file.data_dir !== where.dataDir || file.config_path !== where.configPath) return null;
  if (!(await sameProcess(file))) return null;
  // Asked only now: a command that needs no config reads it only when a daemon may be there.
  const apiKey = await keyOf();
  if (!apiKey) return null;
  const headers = { "x-api-key": apiKey, "x-mcpproxy-client": `cli/${where.version}` };
  const daemon = { url: file.url, headers };
  try {
    const answer = await askDaemon(daemon, "GET", "/api/v1/status", { timeoutMs: FIND_TIMEOUT_MS });
    if (answer.status !== 200) return null;
    const status = v.safeParse(DaemonStatusSchema, JSON.parse(answer.text));
    if (!status.success || status.output.pid !== file.pid) return null;
    return { ...daemon, pid: file.pid, status: status.output };
  } catch {
    return null;
  }
}
