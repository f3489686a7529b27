// Counting a log's MCPX_* codes line by line, and the histogram as `diagnose --file --json` prints it.
import type { DiagnosticCode } from "./codes.ts";

const UNKNOWN: DiagnosticCode = "MCPX_UNKNOWN_UNCLASSIFIED";

export interface Histogram {
  lines: number;
  unclassified: number;
  truncated: number;
  codes: Map<DiagnosticCode, number>;
}

export function newHistogram(): Histogram {
  return { lines: 0, unclassified: 0, truncated: 0, codes: new Map() };
}

/** Counts one non-empty line; unclassified lines are counted apart, never as a code. */
export function countLine(h: Histogram, code: DiagnosticCode, cut: boolean): void {
  h.lines++;
  if (cut) h.truncated++;
  if (code === UNKNOWN) h.unclassified++;
  else h.codes.set(code, (h.codes.get(code) ?? 0) + 1);
}

/** Codes, most frequent first, ties by name. */
export function byCount(h: Histogram): Array<[DiagnosticCode, number]> {
  return [...h.codes].sort(([a, m], [b, n]) => n - m || (a < b ? -1 : 1));
}

export function histogramJson(h: Histogram) {
  return {
    lines: h.lines,
    classified: h.lines - h.unclassified,
    unclassified: h.unclassified,
    truncated: h.truncated,
    codes: Object.fromEntries(byCount(h)),
  };
}

/** Empty or only white space, any Unicode white space (U+0085 and U+3000 too), as the diagnostics spec means it. */
export function isBlank(text: string): boolean {
  return /^\p{White_Space}*$/u.test(text);
}

/** isBlank for bytes that may not all be ASCII: true only when they are all ASCII white space. */
export function isBlankAscii(bytes: Uint8Array, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    const c = bytes[i] ?? 0;
    if (c !== 0x20 && (c < 0x09 || c > 0x0d)) return false;
  }
  return true;
}
