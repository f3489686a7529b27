// What every part of a running daemon shares: its context, address, live config, in-memory counts and log.
import type { Context } from "../context.ts";
import type { CounterEvent } from "../core/counters.ts";
import type { onceLog } from "../io/log.ts";
import type { CountStore } from "./flush.ts";
import type { LiveConfig } from "./live-config.ts";
import type { Tally } from "./tally.ts";

export interface DaemonState {
  ctx: Context;
  /** Wall-clock start (ctx.now()), for uptime. */
  startedMs: number;
  /** Where clients reach it: the bound address, loopback when it listens on every interface. */
  url: string;
  pid: number;
  config: LiveConfig;
  tally: Tally;
  faults: ReturnType<typeof onceLog>;
  /** Saving in-memory counts (the heartbeat does before it reads the store) and reading both as one. */
  counts: CountStore;
}

/** Counted only while telemetry is on: off means nothing is recorded, not even in memory. */
export function record(d: DaemonState, events: readonly CounterEvent[]): boolean {
  if (!d.config.decision.enabled) return false;
  d.tally.add(events, d.ctx.now());
  return true;
}

export function uptimeHours(d: DaemonState): number {
  return Math.max(0, Math.floor((d.ctx.now().getTime() - d.startedMs) / 3_600_000));
}
