// `mcpproxy telemetry send`: one heartbeat now, through every gate; exit 0 when sent or a gate said no, 1 on failure.
import { defineCommand } from "citty";
import { loadContext } from "../../context.ts";
import { printable } from "../../core/printable.ts";
import { CliError, ExitCode } from "../../errors.ts";
import { globalArgs } from "../../global-args.ts";
import { loadConfig } from "../../io/config-store.ts";
import { printNotice, printResult } from "../../io/output.ts";

export default defineCommand({
  meta: { name: "send", description: "Send one heartbeat now (if telemetry is on), and say what happened" },
  args: globalArgs,
  async run({ args }) {
    const ctx = loadContext(args);
    const loaded = await loadConfig(ctx.configPath);
    const [{ showFirstRunNotice }, { sendHeartbeat }] = await Promise.all([
      import("../../first-run-notice.ts"),
      import("../../send-heartbeat.ts"),
    ]);
    await showFirstRunNotice(ctx, loaded.config);
    const result = await sendHeartbeat(ctx, loaded);
    if (result.sent) {
      printResult(ctx.out, result, () => `sent to ${printable(result.url)} (HTTP ${result.status})`);
      return;
    }
    if (result.gate !== "post") {
      // A gate that says no is the system working: exit 0, and say which gate.
      printNotice(`mcpproxy: not sent: ${printable(result.reason)}`);
      if (ctx.out.json) printResult(ctx.out, result, () => "");
      return;
    }
    if (ctx.out.json) printResult(ctx.out, result, () => "");
    const tries = result.attempts === 1 ? "1 attempt" : `${result.attempts} attempts`;
    throw new CliError(
      `the heartbeat was not accepted by ${printable(result.url)}: ${printable(result.reason)} (${tries})`,
      ExitCode.failure,
      "the counts are kept for the next heartbeat; check the endpoint and your network or proxy",
    );
  },
});
