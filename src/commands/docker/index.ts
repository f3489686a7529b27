// The `docker` group: only its meta and lazy subcommands.
import { defineCommand } from "../../args.ts";

const load = (p: Promise<{ default: unknown }>) => p.then((m) => m.default as never);

export default defineCommand({
  meta: { name: "docker", description: "See how mcpproxy finds Docker" },
  subCommands: {
    source: () => load(import("./source.ts")),
  },
});
