// `mcpproxy telemetry enable`: persist telemetry.enabled = true.
import { defineCommand } from "../../args.ts";
import { loadContext } from "../../context.ts";
import { globalArgs } from "../../global-args.ts";
import { setEnabled } from "./set-enabled.ts";

export default defineCommand({
  meta: { name: "enable", description: "Turn anonymous telemetry on (saved in the config)" },
  args: globalArgs,
  async run({ args }) {
    await setEnabled(await loadContext(args), true);
  },
});
