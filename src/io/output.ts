// Writes results to stdout and notices to stderr, and formats the human views' tables and colours.
import { CliError, ExitCode, errnoOf } from "../errors.ts";
import { writeStdoutBytes } from "../runtime.ts";
import { errnoText } from "./errno-text.ts";

export interface Output {
  json: boolean;
  color: boolean;
  verbose: boolean;
}

/** Thrown when the reader of stdout went away (`| head`): the command ends quietly. */
export class StdoutClosed extends Error {
  override readonly name = "StdoutClosed";
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: ANSI colour codes start with ESC.
const ansi = /\u001b\[[0-9;]*m/g;

export function stripAnsi(text: string): string {
  return text.replace(ansi, "");
}

/**
 * Writes all of `text` to stdout and waits for it, so a failure is seen here: console.log drops write errors
 * under Bun (`>/dev/full` would exit 0) and throws a stack under Deno.
 */
export async function writeStdout(text: string): Promise<void> {
  try {
    await writeStdoutBytes(new TextEncoder().encode(text));
  } catch (error) {
    const code = errnoOf(error);
    if (code === "EPIPE") throw new StdoutClosed();
    throw new CliError(
      `cannot write the result to stdout: ${errnoText(code, error)}`,
      ExitCode.failure,
      "check where the output is redirected",
    );
  }
}

/** The command's result: JSON with --json, else the human view. */
export function printResult(out: Output, value: unknown, human: () => string): Promise<void> {
  return writeStdout(`${out.json ? JSON.stringify(value, null, 2) : human()}\n`);
}

export function printJson(value: unknown): Promise<void> {
  return writeStdout(`${JSON.stringify(value, null, 2)}\n`);
}

export function printNotice(text: string): void {
  console.error(text);
}

export function paint(out: Output, code: number, text: string): string {
  return out.color ? `\u001b[${code}m${text}\u001b[0m` : text;
}

/**
 * Rows as aligned columns two spaces apart; colour codes take no width. Columns listed in `right` are
 * right-aligned (counts); the last column is never padded.
 */
export function formatTable(rows: string[][], right: readonly number[] = []): string {
  const widths: number[] = [];
  for (const row of rows) {
    row.forEach((cell, i) => {
      widths[i] = Math.max(widths[i] ?? 0, stripAnsi(cell).length);
    });
  }
  return rows
    .map((row) =>
      row
        .map((cell, i) => {
          if (i === row.length - 1 && !right.includes(i)) return cell;
          const pad = " ".repeat((widths[i] ?? 0) - stripAnsi(cell).length);
          return right.includes(i) ? pad + cell : cell + pad;
        })
        .join("  ")
        .trimEnd(),
    )
    .join("\n");
}
