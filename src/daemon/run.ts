// `serve` once it holds the data dir: listen, say where, record the start, run the loops, and stop cleanly on a signal.
import { stat } from "node:fs/promises";
import type { Context } from "../context.ts";
import { formatDuration } from "../core/duration.ts";
import { type ListenAddress, listenUrl } from "../core/listen.ts";
import { printable } from "../core/printable.ts";
import { showFirstRunNotice } from "../first-run-notice.ts";
import type { LoadedConfig } from "../io/config-store.ts";
import { removeDaemonFile, writeDaemonFile } from "../io/daemon-file.ts";
import { daemonFilePath } from "../io/daemon-path.ts";
import { type Bound, listen } from "../io/http-listen.ts";
import { log, onceLog } from "../io/log.ts";
import { writeStdout } from "../io/output.ts";
import { ownStart } from "../io/process-info.ts";
import { useNormalJit } from "../runtime.ts";
import { countStore } from "./flush.ts";
import { startHeartbeatLoop } from "./heartbeat.ts";
import { liveConfig } from "./live-config.ts";
import { fail, failWith, noteOutcome } from "./outcome.ts";
import { handler } from "./server.ts";
import type { ServeOptions } from "./start.ts";
import type { DaemonState } from "./state.ts";
import { newTally } from "./tally.ts";

// Every interface is served, but this machine's clients reach it over loopback.
const UNSPECIFIED: Record<string, string> = { "0.0.0.0": "127.0.0.1", "::": "::1", "": "127.0.0.1" };
// In-flight requests get this long after a signal; then the rest are cut.
const DRAIN_MS = 2_000;

async function bind(ctx: Context, address: ListenAddress, d: DaemonState): Promise<Bound> {
  try {
    return await listen(address.host || "0.0.0.0", address.port, handler(d));
  } catch (error) {
    const where = listenUrl(address.host || "0.0.0.0", address.port);
    const code = (error as { code?: unknown }).code;
    if (code === "EADDRINUSE") {
      return fail(
        ctx,
        "port_conflict",
        `cannot listen on ${where}: the port is in use`,
        "stop what uses it, or give --listen 127.0.0.1:0 for a free port",
      );
    }
    if (code === "EACCES" || code === "EPERM") {
      return fail(
        ctx,
        "permission_error",
        `cannot listen on ${where}: permission denied`,
        "ports below 1024 need root; pick a higher port",
      );
    }
    return failWith(ctx, error, `cannot listen on ${where}`);
  }
}

function record(d: DaemonState, start: string | undefined) {
  return {
    pid: d.pid,
    ...(start ? { start } : {}),
    url: d.url,
    version: d.ctx.version,
    data_dir: d.ctx.dataDir,
    config_path: d.ctx.configPath,
    started_at: new Date(d.startedMs).toISOString(),
  };
}

/** Resolves on the first SIGINT or SIGTERM; later ones are ignored while the daemon stops. */
function stopSignal(): Promise<string> {
  return new Promise((resolve) => {
    for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => resolve(signal));
  });
}

export async function runLocked(
  ctx: Context,
  loaded: LoadedConfig,
  address: ListenAddress,
  options: ServeOptions,
): Promise<void> {
  const faults = onceLog();
  const startMark = await ownStart();
  const start = startMark && `${startMark.boot}:${startMark.ticks}`;
  const config = await liveConfig(ctx, loaded, faults);
  const tally = newTally();
  const d: DaemonState = {
    ctx,
    startedMs: ctx.now().getTime(),
    url: "",
    pid: process.pid,
    config,
    tally,
    faults,
    counts: countStore({ ctx, config, tally, faults }),
  };
  const stopped = stopSignal();
  const bound = await bind(ctx, address, d);
  d.url = listenUrl(UNSPECIFIED[bound.host] ?? bound.host, bound.port);
  try {
    await writeDaemonFile(ctx.dataDir, record(d, start));
  } catch (error) {
    await bound.server.close(true);
    await failWith(ctx, error, `cannot write ${daemonFilePath(ctx.dataDir)}`);
  }
  await noteOutcome(ctx, "success", true);
  await writeStdout(`listening on ${listenUrl(bound.host, bound.port)}\n`);
  useNormalJit();
  await showFirstRunNotice(ctx, d.config.loaded.config);
  log(
    "info",
    `serving ${printable(ctx.dataDir)}; first heartbeat in ${formatDuration(options.timing.delayMs)}, then every ${formatDuration(options.timing.intervalMs)}`,
  );

  let busy = false;
  const upkeep = setInterval(() => {
    if (busy) return;
    busy = true;
    void (async () => {
      await d.config.refresh();
      await d.counts.flush();
      await rewriteIfGone(d, start);
    })()
      .catch((error) => log("warn", `upkeep failed: ${printable((error as Error).message)}`))
      .finally(() => {
        busy = false;
      });
  }, options.flushEveryMs);
  const heartbeats = startHeartbeatLoop(d, options.timing);

  const signal = await stopped;
  log("info", `${signal}: stopping`);
  clearInterval(upkeep);
  heartbeats.stop();
  await Promise.race([bound.server.close(), new Promise((r) => setTimeout(r, DRAIN_MS))]);
  await bound.server.close(true).catch(() => {});
  await d.counts.flush();
  await removeDaemonFile(ctx.dataDir, d.pid).catch(() => {});
  log("info", "stopped");
}

/** Someone removed the data dir (or the state file): write it again so clients find this daemon, and say so once. */
async function rewriteIfGone(d: DaemonState, start: string | undefined): Promise<void> {
  const gone = await stat(daemonFilePath(d.ctx.dataDir)).then(
    () => false,
    () => true,
  );
  if (!gone) return;
  const { mkdir } = await import("node:fs/promises");
  try {
    await mkdir(d.ctx.dataDir, { recursive: true, mode: 0o700 });
    await writeDaemonFile(d.ctx.dataDir, record(d, start));
    d.faults.warn("gone", `${printable(d.ctx.dataDir)} lost its daemon.json (removed?); wrote it again`);
  } catch (error) {
    d.faults.warn(
      "gone",
      `cannot write ${printable(daemonFilePath(d.ctx.dataDir))}: ${printable((error as Error).message)}`,
    );
  }
}
