// The text in a config's bytes: UTF-8 only (UTF-16 and stray bytes are named), nested at most 1,000 levels.
import { CliError, ExitCode } from "../errors.ts";

export const MAX_DEPTH = 1000;
/** A config file may be at most 16 MiB. */
export const MAX_BYTES = 16 * 1024 * 1024;

/** The UTF-16 or UTF-32 flavour of a file by its BOM or its NULs (RFC 4627 §3), or "". */
export function wideEncoding(b: Uint8Array): string {
  if (b[0] === 0xff && b[1] === 0xfe)
    return b[2] === 0 && b[3] === 0 ? "UTF-32 (little-endian)" : "UTF-16 (little-endian)";
  if (b[0] === 0xfe && b[1] === 0xff) return "UTF-16 (big-endian)";
  if (b[0] === 0 && b[1] === 0 && b[2] === 0xfe && b[3] === 0xff) return "UTF-32 (big-endian)";
  if (b.length < 2) return "";
  if (b.length >= 4 && b[0] === 0 && b[1] === 0 && b[2] === 0) return "UTF-32 (big-endian)";
  if (b.length >= 4 && b[1] === 0 && b[2] === 0 && b[3] === 0) return "UTF-32 (little-endian)";
  if (b[0] === 0) return "UTF-16 (big-endian)";
  if (b[1] === 0) return "UTF-16 (little-endian)";
  return "";
}

const inRange = (byte: number | undefined, low: number, high: number) =>
  byte !== undefined && byte >= low && byte <= high;

/** The offset of the first byte that starts an invalid UTF-8 sequence, or -1 (RFC 3629 table 3-7). */
export function firstInvalidUtf8(b: Uint8Array): number {
  let i = 0;
  while (i < b.length) {
    const lead = b[i] as number;
    if (lead < 0x80) {
      i++;
      continue;
    }
    let low = 0x80;
    let high = 0xbf;
    let tail: number;
    if (lead >= 0xc2 && lead <= 0xdf) tail = 1;
    else if (lead >= 0xe0 && lead <= 0xef) {
      tail = 2;
      if (lead === 0xe0) low = 0xa0;
      if (lead === 0xed) high = 0x9f;
    } else if (lead >= 0xf0 && lead <= 0xf4) {
      tail = 3;
      if (lead === 0xf0) low = 0x90;
      if (lead === 0xf4) high = 0x8f;
    } else return i;
    if (!inRange(b[i + 1], low, high)) return i;
    for (let k = 2; k <= tail; k++) if (!inRange(b[i + k], 0x80, 0xbf)) return i;
    i += tail + 1;
  }
  return -1;
}

/** 1-based line and column (in UTF-16 units, as editors count) of an offset into text. */
export function lineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let start = 0;
  for (let i = text.indexOf("\n"); i !== -1 && i < offset; i = text.indexOf("\n", i + 1)) {
    line++;
    start = i + 1;
  }
  return { line, column: offset - start + 1 };
}

/** UTF-8 text, with the BOM kept so the JSON check can name it; anything else is refused where it breaks. */
export function decodeConfig(path: string, bytes: Uint8Array): string {
  const wide = wideEncoding(bytes);
  const hint = "save the file as UTF-8 (without a byte order mark); it was left as it is";
  if (wide) throw new CliError(`${path} is ${wide}; a config file must be UTF-8`, ExitCode.config, hint);
  try {
    return new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    const at = firstInvalidUtf8(bytes);
    const before = new TextDecoder().decode(bytes.subarray(0, Math.max(at, 0)));
    const { line, column } = lineColumn(before, before.length);
    const byte = (bytes[at] ?? 0).toString(16).toUpperCase().padStart(2, "0");
    throw new CliError(
      `${path}:${line}:${column}: not UTF-8: byte 0x${byte} at offset ${at}`,
      ExitCode.config,
      hint,
    );
  }
}

/**
 * Where the text first opens a level past `max` ([ and { outside strings), or -1. Linear and
 * iterative, so a deep file gets the same answer on every run, whatever the stack holds.
 */
export function tooDeepAt(text: string, max = MAX_DEPTH): number {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > max) return i;
    } else if ((c === 0x5d || c === 0x7d) && depth > 0) depth--;
  }
  return -1;
}

/** How many `[` and `{` the text holds, counted up to `max + 1` (indexOf: a tenth of a regex replace's time). */
function openers(text: string, max: number): number {
  let count = 0;
  for (const opener of ["[", "{"]) {
    for (let at = text.indexOf(opener); at !== -1 && count <= max; at = text.indexOf(opener, at + 1)) count++;
  }
  return count;
}

export function checkDepth(path: string, text: string): void {
  // Fewer openers than the limit cannot nest past it: a typical config skips the scan (and its JIT).
  if (openers(text, MAX_DEPTH) <= MAX_DEPTH) return;
  const at = tooDeepAt(text);
  if (at === -1) return;
  const { line, column } = lineColumn(text, at);
  // RFC 8259 §9 lets a parser limit nesting: past ours, it is not JSON we read, said like the other JSON errors.
  throw new CliError(
    `${path}:${line}:${column}: invalid JSON: nested more than 1,000 levels deep`,
    ExitCode.config,
    "no mcpproxy config is this deep: fix the file by hand or move it away; it was left as it is",
  );
}
