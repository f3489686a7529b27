// `diagnose --file`: streams a log through the classifier into a histogram, with progress on a terminal.
import type { Context } from "../../context.ts";
import type { LineClassifier } from "../../core/classifier.ts";
import type { DiagnosticCode } from "../../core/codes.ts";
import {
  byCount,
  countLine,
  type Histogram,
  isBlank,
  isBlankAscii,
  newHistogram,
} from "../../core/log-histogram.ts";
import { type Chunks, decodeLine, forEachLine, openLog } from "../../io/log-lines.ts";
import { formatTable } from "../../io/output.ts";
import { collectGarbageSoon, useNormalJit } from "../../runtime.ts";

// The decoded text of a log's lines that need it is garbage at once: collected every so many bytes read, the
// peak RSS stays flat however long the log (4M lines: 67.8 -> 57.3 MiB, time within noise).
const GARBAGE_EVERY_BYTES = 8 * 1024 * 1024;

// A progress line on a terminal's stderr for logs that take more than a second; redrawn at most 4 times a second.
function progressLine(label: string, size: number, lines: () => number) {
  const started = performance.now();
  let read = 0;
  let last = 0;
  let shown = false;
  return {
    update(bytes: number) {
      read += bytes;
      const now = performance.now();
      if (now - started < 1000 || now - last < 250) return;
      [last, shown] = [now, true];
      const done = size > 0 ? `${Math.min(100, Math.floor((read / size) * 100))}%` : `${read >> 20} MiB`;
      process.stderr.write(`\rmcpproxy: reading ${label}: ${done}, ${lines().toLocaleString("en")} lines`);
    },
    done() {
      if (shown) process.stderr.write("\r\u001b[K");
    },
  };
}

export async function countLog(ctx: Context, path: string, classify: LineClassifier) {
  useNormalJit();
  const log = path === "-" ? { path: "stdin", size: 0, chunks: process.stdin } : await openLog(path);
  let lines = 0;
  let unswept = 0;
  const progress = ctx.tty.stderr ? progressLine(log.path, log.size, () => lines) : undefined;
  try {
    return await countLines(log.chunks, classify, (bytes, h) => {
      lines = h.lines;
      progress?.update(bytes);
      unswept += bytes;
      if (unswept < GARBAGE_EVERY_BYTES) return;
      unswept = 0;
      collectGarbageSoon();
    });
  } finally {
    progress?.done();
  }
}

/** The histogram of a log's non-blank lines. */
export async function countLines(
  chunks: Chunks,
  classify: LineClassifier,
  onChunk?: (bytes: number, h: Histogram) => void,
): Promise<Histogram> {
  const h = newHistogram();
  const text = (line: string, cut: boolean) => {
    if (!isBlank(line)) countLine(h, classify.text(line), cut);
  };
  const counted = (data: Uint8Array, start: number, end: number, code: DiagnosticCode | undefined) => {
    if (code === undefined) text(decodeLine(data, start, end), false);
    else countLine(h, code, false);
  };
  // A line that may hold a wording waits for the next such, and the two are scanned in one pass; the counts do
  // not depend on the order. Its bytes are good until `flush`.
  let held: Uint8Array | undefined;
  let heldStart = 0;
  let heldEnd = 0;
  const codes: (DiagnosticCode | undefined)[] = [undefined, undefined];
  // Most lines are ASCII and hold no wording: they are counted without ever becoming a string.
  const bytes = (data: Uint8Array, start: number, end: number) => {
    if (isBlankAscii(data, start, end)) return;
    const glance = classify.glance(data, start, end);
    if (glance === "none") countLine(h, classify.plain, false);
    else if (glance === "not-ascii") text(decodeLine(data, start, end), false);
    else if (held === undefined) {
      held = data;
      heldStart = start;
      heldEnd = end;
    } else {
      classify.needleBytesPair(held, heldStart, heldEnd, data, start, end, codes);
      counted(held, heldStart, heldEnd, codes[0]);
      counted(data, start, end, codes[1]);
      held = undefined;
    }
  };
  const flush = () => {
    if (held === undefined) return;
    counted(held, heldStart, heldEnd, classify.needleBytes(held, heldStart, heldEnd));
    held = undefined;
  };
  await forEachLine(chunks, { bytes, text, flush }, (n) => onChunk?.(n, h));
  return h;
}

export function histogramView(h: Histogram): string {
  if (h.lines === 0) return "no lines to classify: the log is empty";
  const rows = [...byCount(h), ["unclassified", h.unclassified] as const].map(([code, n]) => [
    String(n),
    code,
  ]);
  const lines = [
    formatTable([["COUNT", "CODE"], ...rows], [0]),
    "",
    `${h.lines} lines: ${h.lines - h.unclassified} classified, ${h.unclassified} unclassified`,
  ];
  if (h.truncated > 0) {
    lines.push(`${h.truncated} lines longer than 64 Ki characters were classified on their start`);
  }
  return lines.join("\n");
}
