// `mcpproxy telemetry disable`: persist telemetry.enabled = false.
import { defineCommand } from "../../args.ts";
import { loadContext } from "../../context.ts";
import { globalArgs } from "../../global-args.ts";
import { setEnabled } from "./set-enabled.ts";

export default defineCommand({
  meta: { name: "disable", description: "Turn anonymous telemetry off (saved in the config)" },
  args: globalArgs,
  async run({ args }) {
    await setEnabled(await loadContext(args), false);
  },
});
