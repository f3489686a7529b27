// The lazy map of top-level commands; each module loads only when its command runs.
import type { CommandDef } from "citty";

type Lazy = () => Promise<CommandDef<any>>;
const load = (p: Promise<{ default: unknown }>) => p.then((m) => m.default as CommandDef<any>);

export const commands: Record<string, Lazy> = {
  telemetry: () => load(import("./telemetry/index.ts")),
  docker: () => load(import("./docker/index.ts")),
  version: () => load(import("./version.ts")),
};
