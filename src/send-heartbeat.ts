// Sends one heartbeat through every gate; after a 2xx subtracts exactly what was sent and advances the version.
import { mkdir } from "node:fs/promises";
import { collectPayload } from "./collect-payload.ts";
import type { Context } from "./context.ts";
import { hasCounts, sentPart, subtractSent, usageAt } from "./core/counters.ts";
import { endpointOf } from "./core/endpoint.ts";
import { formatRfc3339 } from "./core/identity.ts";
import { decideForConfig, whyOff } from "./core/optout.ts";
import { payloadBody } from "./core/payload.ts";
import { privacySecrets } from "./core/privacy-gate.ts";
import { checkSendGates, type GateName } from "./core/send-gates.ts";
import { CliError } from "./errors.ts";
import { writeError } from "./io/atomic-file.ts";
import { type LoadedConfig, updateConfig } from "./io/config-store.ts";
import { readCounts, updateCounts } from "./io/counter-store.ts";
import type { PostFailure, PostOutcome, PostRequest } from "./io/heartbeat-post.ts";
import { ensureIdentity } from "./io/identity-store.ts";
import { KEEP_FRESH_EVERY_MS, LockBusy, withLock } from "./io/lock.ts";
import { printNotice } from "./io/output.ts";
import { join } from "./io/paths.ts";

export type SendResult =
  | { sent: true; url: string; status: number; attempts: number }
  /** `config`: the daemon found the config broken before a send, and keeps the last good one meanwhile. */
  | { sent: false; gate: GateName | "busy" | "config"; reason: string }
  | {
      sent: false;
      gate: "post";
      url: string;
      kind: PostFailure;
      status?: number;
      reason: string;
      attempts: number;
    };

export interface SendOptions {
  uptimeHours?: number;
  startupOutcome?: string | null;
  /** Test and daemon knobs for the POST (timeouts, retries); the URL, body and env are ours. */
  post?: Partial<Pick<PostRequest, "timeoutMs" | "retries" | "backoffMs" | "maxRetryAfterMs">>;
  /** How long to wait for another process's send to finish before skipping this one. */
  lockWaitMs?: number;
}

export async function sendHeartbeat(
  ctx: Context,
  loaded: LoadedConfig,
  options: SendOptions = {},
): Promise<SendResult> {
  const decision = decideForConfig(ctx, loaded.config);
  // Off means off: no id is made, no counter read, nothing written.
  if (!decision.enabled)
    return { sent: false, gate: "opted_out", reason: `telemetry is off (${whyOff(decision)})` };
  // One send at a time per data dir, from read to subtract: two senders would send the same counts twice.
  await mkdir(ctx.dataDir, { recursive: true, mode: 0o700 }).catch((error) => {
    throw writeError(ctx.dataDir, error);
  });
  try {
    return await withLock(
      join(ctx.dataDir, "telemetry-send"),
      () => sendLocked(ctx, loaded, options),
      options.lockWaitMs,
      KEEP_FRESH_EVERY_MS,
    );
  } catch (error) {
    if (!(error instanceof LockBusy)) throw error;
    return { sent: false, gate: "busy", reason: "another mcpproxy is sending a heartbeat right now" };
  }
}

async function sendLocked(ctx: Context, loaded: LoadedConfig, options: SendOptions): Promise<SendResult> {
  const counts = await readCounts(ctx.dataDir);
  const telemetryOn = (fresh: typeof loaded.config) => decideForConfig(ctx, fresh).enabled;
  const identity = await ensureIdentity(ctx, ctx.configPath, loaded.config, telemetryOn);
  const payload = await collectPayload(ctx, {
    config: loaded.config,
    identity,
    usage: usageAt(counts, ctx.now()),
    uptimeHours: options.uptimeHours,
    startupOutcome: options.startupOutcome,
  });
  const body = payloadBody(payload);
  const { hostname } = await import("node:os");
  const gate = checkSendGates({
    optOut: { enabled: true, reason: "" },
    version: ctx.version,
    endpoint: endpointOf(loaded.config),
    body,
    payload,
    secrets: privacySecrets(ctx.env, hostname(), ctx.home),
  });
  if (!gate.ok) {
    if (gate.gate === "privacy") {
      await updateCounts(
        ctx.dataDir,
        (c) => ({ ...c, blocked_sends: (c.blocked_sends ?? 0) + 1 }),
        ctx.now(),
      );
    }
    return { sent: false, gate: gate.gate, reason: gate.reason };
  }
  const { postHeartbeat } = await import("./io/heartbeat-post.ts");
  const outcome = await postHeartbeat({
    ...options.post,
    url: gate.url,
    body,
    version: ctx.version,
    env: ctx.env,
  });
  await recordSent(ctx, "heartbeat", gate.url, body, outcome);
  if (!outcome.ok) {
    // A failure changes nothing: every count stays for the next heartbeat.
    return { sent: false, gate: "post", url: gate.url, ...outcome, reason: outcome.message };
  }
  // Exactly what was sent goes; what other processes added meanwhile stays.
  const sent = sentPart(counts);
  if (hasCounts(sent)) await updateCounts(ctx.dataDir, (c) => subtractSent(c, sent), ctx.now());
  await updateConfig(ctx.configPath, (fresh) =>
    fresh.telemetry?.last_reported_version === ctx.version
      ? []
      : [{ path: ["telemetry", "last_reported_version"], value: ctx.version }],
  );
  return { sent: true, url: gate.url, status: outcome.status, attempts: outcome.attempts };
}

/**
 * Adds what was just posted to the ledger (`telemetry log`). A ledger that cannot be written is said on
 * stderr and never fails the send: the heartbeat has left either way.
 */
export async function recordSent(
  ctx: Context,
  kind: "heartbeat" | "beacon",
  url: string,
  body: string,
  outcome: PostOutcome,
): Promise<void> {
  const { appendLedger } = await import("./io/ledger-store.ts");
  const answer = outcome.status !== undefined ? `HTTP ${outcome.status}` : outcome.ok ? "sent" : outcome.kind;
  const record = { kind, url, body, accepted: outcome.ok, outcome: answer, time: formatRfc3339(ctx.now()) };
  try {
    const { corrupt } = await appendLedger(ctx.dataDir, record);
    if (corrupt) {
      printNotice(
        "mcpproxy: the ledger of what was sent was broken: it was set aside (*.corrupt-…) and begun anew",
      );
    }
  } catch (error) {
    if (!(error instanceof CliError)) throw error;
    printNotice(`mcpproxy: the heartbeat left, but the ledger could not record it: ${error.message}`);
  }
}
