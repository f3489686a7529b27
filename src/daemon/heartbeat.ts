// The daemon's heartbeats: a loop of regular ticks with retries after failures, and a send on request.
import { afterAttempt, firstPlan, type HeartbeatTiming } from "../core/heartbeat-schedule.ts";
import { printable } from "../core/printable.ts";
import { CliError } from "../errors.ts";
import { loadConfig } from "../io/config-store.ts";
import { log } from "../io/log.ts";
import { readMachinePolicy } from "../io/policy-file.ts";
import { readStartupOutcome } from "../io/startup-store.ts";
import { type SendResult, sendHeartbeat } from "../send-heartbeat.ts";
import { type DaemonState, uptimeHours } from "./state.ts";

// Timers wake at least this often and compare with the clock: no 32-bit overflow, and a machine that slept catches up.
const MAX_SLEEP_MS = 3_600_000;

/**
 * Sends one heartbeat: the in-memory counts are saved first (the send reads the store), and the config and
 * opt-out decision are read afresh, so a `telemetry disable` from another terminal counts at once.
 */
export async function sendFromDaemon(d: DaemonState): Promise<SendResult> {
  await d.counts.flush();
  let loaded: Awaited<ReturnType<typeof loadConfig>>;
  try {
    loaded = await loadConfig(d.ctx.configPath);
  } catch (error) {
    if (!(error instanceof CliError)) throw error;
    // A broken config cannot take the id or the version: this send waits until it is fixed.
    d.faults.warn("config", `${printable(error.message)}; running on the last good config until it is fixed`);
    return { sent: false, gate: "config", reason: `the config cannot be read: ${error.message}` };
  }
  // The administrator's policy may have changed since the start: it is read again like the config.
  d.ctx.policy = await readMachinePolicy(d.ctx.env, d.ctx.platform);
  d.config.accept(loaded);
  return sendHeartbeat(d.ctx, loaded, {
    uptimeHours: uptimeHours(d),
    startupOutcome: await readStartupOutcome(d.ctx.dataDir),
  });
}

/** Whether to retry soon: the collector failed or the send could not run; a gate's no waits for the next tick. */
const failedSend = (r: SendResult) =>
  !r.sent && (r.gate === "post" || r.gate === "busy" || r.gate === "config");

function describe(r: SendResult): string {
  if (r.sent) return `heartbeat sent to ${printable(r.url)} (HTTP ${r.status})`;
  return `heartbeat not sent: ${printable(r.reason)}`;
}

export function startHeartbeatLoop(d: DaemonState, timing: HeartbeatTiming): { stop(): void } {
  let plan = firstPlan(d.ctx.now().getTime(), timing);
  let timer: ReturnType<typeof setTimeout> | undefined;
  let stopped = false;

  const wakeAt = (at: number) => {
    if (stopped) return;
    const wait = Math.max(0, at - d.ctx.now().getTime());
    timer = setTimeout(
      () => (d.ctx.now().getTime() >= at ? void tick() : wakeAt(at)),
      Math.min(wait, MAX_SLEEP_MS),
    );
  };

  const tick = async () => {
    let failed: boolean;
    try {
      const result = await sendFromDaemon(d);
      failed = failedSend(result);
      log(failed ? "warn" : "info", describe(result));
    } catch (error) {
      failed = true;
      log("warn", `heartbeat failed: ${printable((error as Error).message)}`);
    }
    const next = afterAttempt(plan, failed, d.ctx.now().getTime(), timing);
    plan = next.plan;
    wakeAt(next.wakeMs);
  };

  wakeAt(plan.nextRegularMs);
  return {
    stop() {
      stopped = true;
      clearTimeout(timer);
    },
  };
}
