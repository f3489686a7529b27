// The `telemetry` group: only its meta and lazy subcommands.
import { defineCommand } from "../../args.ts";

const load = (p: Promise<{ default: unknown }>) => p.then((m) => m.default as never);

export default defineCommand({
  meta: { name: "telemetry", description: "See and control the anonymous usage telemetry" },
  subCommands: {
    status: () => load(import("./status.ts")),
    enable: () => load(import("./enable.ts")),
    disable: () => load(import("./disable.ts")),
    "show-payload": () => load(import("./show-payload.ts")),
    send: () => load(import("./send.ts")),
    log: () => load(import("./log.ts")),
    diff: () => load(import("./diff.ts")),
    schema: () => load(import("./schema.ts")),
  },
});
