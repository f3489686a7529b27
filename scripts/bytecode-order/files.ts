// The recorded start-up profiles `bun build --bytecode-order` lays the binary out by, the most common first.
import { join } from "node:path";

/** The commands recorded, each as its argv; the profile of each is `<name>.order` in this folder. */
export const RECORDED: ReadonlyArray<{ name: string; argv: string[] }> = [
  { name: "show-payload", argv: ["telemetry", "show-payload"] },
  { name: "status", argv: ["telemetry", "status", "--json"] },
  { name: "diagnose", argv: ["diagnose", "connection refused"] },
  { name: "version", argv: ["version"] },
  { name: "codes", argv: ["diagnostics", "codes", "MCPX_HTTP_401"] },
];

export const ORDER_FILES = RECORDED.map(({ name }) => join(import.meta.dir, `${name}.order`));
