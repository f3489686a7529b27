// The flags every command accepts; cli.ts hoists them so they may stand before or after the command.
import type { ArgsDef } from "citty";

export const globalArgs = {
  config: {
    type: "string",
    valueHint: "file",
    description: "Config file (default <data dir>/mcp_config.json)",
  },
  "data-dir": { type: "string", valueHint: "dir", description: "Data folder (default ~/.mcpproxy)" },
  json: { type: "boolean", description: "Print JSON (same as -o json)" },
  output: {
    type: "string",
    alias: "o",
    valueHint: "json|table",
    description: "Output format: json or table",
  },
  color: { type: "boolean", default: true, negativeDescription: "Never print colour" },
  verbose: { type: "boolean", description: "Show more detail, and stack traces of internal errors" },
} as const satisfies ArgsDef;

export type GlobalArgs = {
  config?: string;
  "data-dir"?: string;
  json?: boolean;
  output?: string;
  color?: boolean;
  verbose?: boolean;
};
