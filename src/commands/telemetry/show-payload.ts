// `mcpproxy telemetry show-payload`: the exact next heartbeat, offline, as pretty JSON on stdout.
import { defineCommand } from "citty";
import { collectPayload } from "../../collect-payload.ts";
import { loadContext } from "../../context.ts";
import { loadConfig } from "../../io/config-store.ts";
import { ensureIdentity } from "../../io/identity-store.ts";
import { printJson } from "../../io/output.ts";
import { globalArgs } from "../global-args.ts";

export default defineCommand({
  meta: { name: "show-payload", description: "Print the next heartbeat exactly as it would be sent (no network)" },
  args: globalArgs,
  async run({ args }) {
    const ctx = loadContext(args);
    const { config } = await loadConfig(ctx.configPath);
    const identity = await ensureIdentity(ctx, ctx.configPath, config);
    printJson(await collectPayload(ctx, { config, identity }));
  },
});
