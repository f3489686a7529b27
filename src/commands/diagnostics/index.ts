// The `diagnostics` group: only its meta and lazy subcommands.
import { defineCommand } from "../../args.ts";

const load = (p: Promise<{ default: unknown }>) => p.then((m) => m.default as never);

export default defineCommand({
  meta: { name: "diagnostics", description: "Browse the catalog of MCPX_* diagnostic codes" },
  subCommands: {
    codes: () => load(import("./codes.ts")),
  },
});
