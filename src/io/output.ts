// Writes results to stdout and notices to stderr; console.* is the cheapest writer at start-up.
import type { Output } from "../context.ts";

// biome-ignore lint/suspicious/noControlCharactersInRegex: ANSI colour codes start with ESC.
const ansi = /\u001b\[[0-9;]*m/g;

export function stripAnsi(text: string): string {
  return text.replace(ansi, "");
}

/** The command's result: JSON with --json, else the human view. */
export function printResult(out: Output, value: unknown, human: () => string): void {
  console.log(out.json ? JSON.stringify(value, null, 2) : human());
}

export function printJson(value: unknown): void {
  console.log(JSON.stringify(value, null, 2));
}

export function printNotice(text: string): void {
  console.error(text);
}

export function paint(out: Output, code: number, text: string): string {
  return out.color ? `\u001b[${code}m${text}\u001b[0m` : text;
}

/** Two aligned columns, for `status`-style views. */
export function formatRows(rows: Array<[string, string]>): string {
  const width = Math.max(...rows.map(([k]) => k.length));
  return rows.map(([k, v]) => `${k.padEnd(width)}  ${v}`).join("\n");
}
