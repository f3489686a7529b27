// `mcpproxy telemetry send`: one heartbeat now, through every gate; exit 0 when sent or a gate said no, 1 on failure.
// With a daemon running for this data dir the daemon sends (it holds counts not yet in the store).
import { defineCommand } from "../../args.ts";
import { type Context, loadContext } from "../../context.ts";
import { decideForConfig, whyOff } from "../../core/optout.ts";
import { printable } from "../../core/printable.ts";
import { CliError, ExitCode } from "../../errors.ts";
import { globalArgs } from "../../global-args.ts";
import { type LoadedConfig, loadConfig } from "../../io/config-store.ts";
import { askDaemon, type Daemon } from "../../io/daemon-client.ts";
import { printNotice, printResult } from "../../io/output.ts";
import type { SendResult } from "../../send-heartbeat.ts";
import { daemonFor } from "../find-daemon.ts";

// The daemon's own POST may take its three attempts with backoff (10 s each, Retry-After up to 60 s).
const DAEMON_SEND_TIMEOUT_MS = 150_000;

async function sendThroughDaemon(daemon: Daemon): Promise<SendResult> {
  let answer: { status: number; text: string };
  try {
    answer = await askDaemon(daemon, "POST", "/api/v1/telemetry/heartbeat", {
      body: {},
      timeoutMs: DAEMON_SEND_TIMEOUT_MS,
    });
  } catch (error) {
    throw new CliError(
      (error as Error).message,
      ExitCode.failure,
      "the counts are kept; try again, or stop the daemon and send without it",
    );
  }
  const result = (() => {
    try {
      return JSON.parse(answer.text) as SendResult;
    } catch {
      return null;
    }
  })();
  if ((answer.status !== 200 && answer.status !== 502) || typeof result?.sent !== "boolean") {
    throw new CliError(
      `the daemon at ${daemon.url} answered HTTP ${answer.status} to the send`,
      ExitCode.failure,
      "the counts are kept; see the daemon's log",
    );
  }
  return result;
}

async function sendNow(ctx: Context, loaded: LoadedConfig): Promise<SendResult> {
  const decision = decideForConfig(ctx, loaded.config);
  // This terminal's opt-out counts too: DO_NOT_TRACK here must not send through a daemon started without it.
  if (!decision.enabled) {
    return { sent: false, gate: "opted_out", reason: `telemetry is off (${whyOff(decision)})` };
  }
  const daemon = await daemonFor(ctx, loaded.config);
  if (daemon) return sendThroughDaemon(daemon);
  const [{ sendHeartbeat }, { readStartupOutcome }] = await Promise.all([
    import("../../send-heartbeat.ts"),
    import("../../io/startup-store.ts"),
  ]);
  return sendHeartbeat(ctx, loaded, { startupOutcome: await readStartupOutcome(ctx.dataDir) });
}

export default defineCommand({
  meta: { name: "send", description: "Send one heartbeat now (if telemetry is on), and say what happened" },
  args: globalArgs,
  async run({ args }) {
    const ctx = await loadContext(args);
    const loaded = await loadConfig(ctx.configPath);
    const { showFirstRunNotice } = await import("../../first-run-notice.ts");
    await showFirstRunNotice(ctx, loaded.config);
    const result = await sendNow(ctx, loaded);
    if (result.sent) {
      await printResult(ctx.out, result, () => `sent to ${printable(result.url)} (HTTP ${result.status})`);
      return;
    }
    if (result.gate !== "post") {
      // A gate that says no is the system working: exit 0, and say which gate.
      printNotice(`mcpproxy: not sent: ${printable(result.reason)}`);
      if (ctx.out.json) await printResult(ctx.out, result, () => "");
      return;
    }
    if (ctx.out.json) await printResult(ctx.out, result, () => "");
    const tries = result.attempts === 1 ? "1 attempt" : `${result.attempts} attempts`;
    throw new CliError(
      `the heartbeat was not accepted by ${printable(result.url)}: ${printable(result.reason)} (${tries})`,
      ExitCode.failure,
      "the counts are kept for the next heartbeat; check the endpoint and your network or proxy",
    );
  },
});
