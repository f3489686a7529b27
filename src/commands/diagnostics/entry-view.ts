// How a catalog entry reads on a terminal, for `diagnose` and `diagnostics codes`.

import type { CatalogEntry, FixStep } from "../../core/catalog.ts";
import type { Output } from "../../io/output.ts";
import { paint } from "../../io/output.ts";

export const SEVERITY_COLOUR: Record<CatalogEntry["severity"], number> = { error: 31, warn: 33, info: 36 };

function stepLines(step: FixStep, n: number): string[] {
  const mark = step.destructive ? " (changes your system: read it before running)" : "";
  const lines = [`  ${n}. ${step.label}${mark}`];
  if (step.command) lines.push(`       ${step.command}`);
  if (step.url) lines.push(`       ${step.url}`);
  // Buttons run a fixer inside the MCPProxy app; the terminal can only point at them.
  if (step.type === "button") lines.push("       (a button in the MCPProxy app)");
  return lines;
}

/** One catalog entry for people: code and severity, the message, numbered fix steps, the docs link. */
export function entryView(out: Output, entry: CatalogEntry): string {
  const severity = paint(out, SEVERITY_COLOUR[entry.severity], entry.severity);
  return [
    `${paint(out, 1, entry.code)} (${severity})`,
    entry.user_message,
    "",
    "What to do:",
    ...entry.fix_steps.flatMap((step, i) => stepLines(step, i + 1)),
    "",
    `Docs: ${entry.docs_url}`,
  ].join("\n");
}
