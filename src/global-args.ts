// The flags every command accepts; the argument parser hoists them so they may stand before or after the command.
import type { ArgsDef } from "citty";
import type { Env } from "./core/env.ts";
import { usageError } from "./errors.ts";
import type { Output } from "./io/output.ts";
import { isTerminal, processEnv } from "./runtime.ts";

export const OUTPUT_FORMATS = ["json", "table"] as const;

export const globalArgs = {
  config: {
    type: "string",
    valueHint: "file",
    description: "Config file (default <data dir>/mcp_config.json)",
  },
  "data-dir": { type: "string", valueHint: "dir", description: "Data folder (default ~/.mcpproxy)" },
  json: { type: "boolean", description: "Print JSON (same as -o json)" },
  output: {
    type: "enum",
    alias: "o",
    options: [...OUTPUT_FORMATS],
    description: "Output format",
  },
  // Declared as its own flag so help shows it with its meaning; colour is otherwise on for a terminal.
  "no-color": { type: "boolean", description: "Never print colour" },
  verbose: { type: "boolean", description: "Show more detail, and stack traces of internal errors" },
} as const satisfies ArgsDef;

export type GlobalArgs = {
  config?: string;
  "data-dir"?: string;
  json?: boolean;
  output?: string;
  "no-color"?: boolean;
  verbose?: boolean;
};

/** What cli.ts knows before any command runs: enough to print an error the right way. */
export function outputFrom(args: GlobalArgs, env: Env = processEnv(), isTTY = () => isTerminal(1)): Output {
  if (args.json && args.output !== undefined && args.output !== "json") {
    throw usageError(`--json and -o ${args.output} ask for different output`, "give one of them");
  }
  const noColorEnv = (env.NO_COLOR ?? "") !== "";
  return {
    json: !!args.json || args.output === "json",
    // Asked only when a view paints: finding out whether fd 1 is a terminal costs a Bun start-up ~1 ms.
    get color() {
      return !noColorEnv && !args["no-color"] && isTTY();
    },
    verbose: !!args.verbose,
  };
}
