// `mcpproxy telemetry show-payload`: the exact next heartbeat, offline, as pretty JSON on stdout.
import { defineCommand } from "citty";
import { collectPayload } from "../../collect-payload.ts";
import { loadContext } from "../../context.ts";
import { emptyCounts, usageAt } from "../../core/counters.ts";
import { decideForConfig } from "../../core/optout.ts";
import { payloadBody } from "../../core/payload.ts";
import { printable } from "../../core/printable.ts";
import { CliError, ExitCode } from "../../errors.ts";
import { globalArgs } from "../../global-args.ts";
import { loadConfig } from "../../io/config-store.ts";
import { readCounts } from "../../io/counter-store.ts";
import { ensureIdentity } from "../../io/identity-store.ts";
import { printNotice, writeStdout } from "../../io/output.ts";

export default defineCommand({
  meta: {
    name: "show-payload",
    description: "Print the next heartbeat exactly as it would be sent (no network)",
  },
  args: globalArgs,
  async run({ args }) {
    const ctx = loadContext(args);
    // The config first: when it is broken (exit 4) nothing else is read or said.
    const { config } = await loadConfig(ctx.configPath);
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
    const payload = await collectPayload(ctx, { config, identity, usage: usageAt(counts, ctx.now()) });
    const body = payloadBody(payload);
    writeStdout(body);
    // Shown even when the gate would block it; stderr then says which rule would.
    const [{ privacySecrets, checkPrivacy }, { hostname }] = await Promise.all([
      import("../../core/privacy-gate.ts"),
      import("node:os"),
    ]);
    const block = checkPrivacy(body, payload, privacySecrets(ctx.env, hostname(), ctx.home));
    if (block) {
      printNotice(
        `mcpproxy: the privacy gate would block this heartbeat (rule ${block.rule}, matched ${printable(block.pattern)}); it would not be sent`,
      );
    }
  },
});
