// When the daemon's next heartbeat goes: regular ticks, and after a failure retries that grow, never more often
// than the floor and never later than the next regular tick.

export interface HeartbeatTiming {
  /** The first tick, after start (--heartbeat-delay). */
  delayMs: number;
  /** Between regular ticks (--heartbeat-interval). */
  intervalMs: number;
  /** The shortest wait before a retry (5 minutes, except in tests). */
  retryFloorMs: number;
}

export interface HeartbeatPlan {
  /** When the next regular tick is due (epoch ms). */
  nextRegularMs: number;
  /** Failed attempts since the last success or gate answer. */
  failures: number;
}

export function firstPlan(startMs: number, timing: HeartbeatTiming): HeartbeatPlan {
  return { nextRegularMs: startMs + timing.delayMs, failures: 0 };
}

/**
 * After an attempt at `nowMs`: the plan and when to wake. A regular tick that has come moves on by whole
 * intervals (a machine that slept skips the ticks it missed); a failure retries after floor × 2^(n-1).
 */
export function afterAttempt(
  plan: HeartbeatPlan,
  failed: boolean,
  nowMs: number,
  timing: HeartbeatTiming,
): { plan: HeartbeatPlan; wakeMs: number } {
  let next = plan.nextRegularMs;
  if (nowMs >= next) {
    const missed = Math.floor((nowMs - next) / timing.intervalMs) + 1;
    next += missed * timing.intervalMs;
  }
  if (!failed) return { plan: { nextRegularMs: next, failures: 0 }, wakeMs: next };
  const failures = plan.failures + 1;
  const retry = nowMs + timing.retryFloorMs * 2 ** Math.min(failures - 1, 30);
  return { plan: { nextRegularMs: next, failures }, wakeMs: Math.min(retry, next) };
}
