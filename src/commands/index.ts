// The lazy map of top-level commands; each module loads only when its command runs.
import type { AnyCommand } from "../args.ts";

type Lazy = () => Promise<AnyCommand>;
const load = (p: Promise<{ default: unknown }>) => p.then((m) => m.default as AnyCommand);

export const commands: Record<string, Lazy> = {
  telemetry: () => load(import("./telemetry/index.ts")),
  docker: () => load(import("./docker/index.ts")),
  version: () => load(import("./version.ts")),
  diagnose: () => load(import("./diagnose.ts")),
  diagnostics: () => load(import("./diagnostics/index.ts")),
  doctor: () => load(import("./doctor.ts")),
  serve: () => load(import("./serve.ts")),
  completion: () => load(import("./completion.ts")),
  complete: () => load(import("./complete.ts")),
};
