// The next heartbeat as `show-payload` and `diff` see it: from the running daemon, or built offline.
import { collectPayload, machineFacts } from "../../collect-payload.ts";
import type { Context } from "../../context.ts";
import type { Config } from "../../core/config-schema.ts";
import { emptyCounts, usageAt } from "../../core/counters.ts";
import { decideForConfig } from "../../core/optout.ts";
import { payloadBody, payloadProblem } from "../../core/payload.ts";
import type { Payload } from "../../core/payload-schema.ts";
import { CliError, ExitCode } from "../../errors.ts";
import { readCounts } from "../../io/counter-store.ts";
import { ensureIdentity } from "../../io/identity-store.ts";
import { printNotice } from "../../io/output.ts";
import { readStartupOutcome } from "../../io/startup-store.ts";
import { daemonFor } from "../find-daemon.ts";

// The daemon builds the payload as it would send it (its uptime, the counts still in its memory).
async function fromDaemon(ctx: Context, config: Config): Promise<{ body: string; payload: Payload } | null> {
  // Off here (DO_NOT_TRACK in this terminal) means offline: a daemon started without it would make an id.
  if (!decideForConfig(ctx, config).enabled) return null;
  const daemon = await daemonFor(ctx, config);
  if (!daemon) return null;
  try {
    const { askDaemon } = await import("../../io/daemon-client.ts");
    const answer = await askDaemon(daemon, "GET", "/api/v1/telemetry/payload", { timeoutMs: 30_000 });
    const payload = answer.status === 200 ? (JSON.parse(answer.text) as Payload) : null;
    return payload && payloadProblem(payload) === "" ? { body: answer.text, payload } : null;
  } catch {
    // A daemon that stopped meanwhile, or answered nonsense: the offline payload is as good.
    return null;
  }
}

async function offline(ctx: Context, config: Config): Promise<{ body: string; payload: Payload }> {
  // Started first, these file checks and reads overlap the ones below (each read waits on Bun's I/O threads).
  const facts = machineFacts(ctx);
  const startupOutcome = readStartupOutcome(ctx.dataDir);
  const counts = await readCounts(ctx.dataDir).catch((error) => {
    // Counts we cannot read are shown as none, and said so; they are not the user's config.
    if (!(error instanceof CliError)) throw error;
    printNotice(`mcpproxy: ${error.message}; showing the payload without counters`);
    return emptyCounts();
  });
  const telemetryOn = (fresh: typeof config) => decideForConfig(ctx, fresh).enabled;
  const identity = await ensureIdentity(ctx, ctx.configPath, config, telemetryOn).catch((error) => {
    // Showing what would be sent matters more than the id; a broken config (exit 4) still stops us.
    if (!(error instanceof CliError) || error.exitCode === ExitCode.config) throw error;
    printNotice(
      `mcpproxy: could not save the anonymous id (${error.message}); showing the payload without one`,
    );
    return null;
  });
  const payload = await collectPayload(
    ctx,
    { config, identity, usage: usageAt(counts, ctx.now()), startupOutcome: await startupOutcome },
    facts,
  );
  return { body: payloadBody(payload), payload };
}

/** The exact body the next heartbeat would carry now, and the payload it was serialised from. */
export async function nextPayload(ctx: Context, config: Config): Promise<{ body: string; payload: Payload }> {
  return (await fromDaemon(ctx, config)) ?? (await offline(ctx, config));
}
