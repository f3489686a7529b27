// diagnose --file's byte path against plain reading: the whole log decoded, split at LF, each line cut at
// LINE_CAP, CR dropped, blanks skipped, the rest classified as text. Whatever the bytes and the chunks, the
// histogram must be the same.
import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import { countLines } from "../../src/commands/diagnose/count-log.ts";
import {
  type ClassifyFacts,
  classifyError,
  ERRNOS,
  lineClassifier,
  TRANSPORTS,
} from "../../src/core/classifier.ts";
import * as W from "../../src/core/classifier-wordings.ts";
import { countLine, histogramJson, isBlank, newHistogram } from "../../src/core/log-histogram.ts";
import { LINE_CAP } from "../../src/io/log-lines.ts";

function plainHistogram(data: Uint8Array, facts: ClassifyFacts | undefined) {
  const pieces = new TextDecoder().decode(data).split("\n");
  if (pieces.at(-1) === "") pieces.pop();
  const h = newHistogram();
  for (const piece of pieces) {
    const cut = piece.length > LINE_CAP;
    const capped = cut ? piece.slice(0, LINE_CAP) : piece;
    const line = capped.endsWith("\r") ? capped.slice(0, -1) : capped;
    if (!isBlank(line)) countLine(h, classifyError(line, facts), cut);
  }
  return histogramJson(h);
}

async function* inPieces(data: Uint8Array, sizes: readonly number[]) {
  let at = 0;
  for (let i = 0; at < data.length; i++) {
    const size = sizes.length === 0 ? data.length : (sizes[i % sizes.length] ?? 1);
    // A fresh copy each time, then scribbled over once read: a chunk is good only until the next.
    const chunk = data.slice(at, at + size);
    yield chunk;
    chunk.fill(0x41);
    at += size;
  }
}

const byteCount = async (data: Uint8Array, sizes: readonly number[], facts?: ClassifyFacts) =>
  histogramJson(await countLines(inPieces(data, sizes), lineClassifier(facts)));

const encode = (text: string) => new TextEncoder().encode(text);
const concat = (parts: readonly Uint8Array[]) => {
  const all = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    all.set(part, at);
    at += part.length;
  }
  return all;
};

const LITERALS = [
  ...W.DOCKER_CLI_MISSING,
  ...[W.ISOLATED_SPAWN, W.STDIO_TEXT, W.OAUTH, W.DOCKER_TEXT, W.NETWORK_TEXT, W.CONFIG, W.QUARANTINE].flatMap(
    (table) => table.flatMap(([, wordings]) => wordings),
  ),
]
  .flatMap((w) => (Array.isArray(w) ? w : [w]))
  .flatMap((t) => (typeof t === "string" ? [t] : "word" in t ? [t.word] : "exact" in t ? [t.exact] : []));

// Pieces of lines: wordings in any case and cut short, spawn and status wordings, letters that lower-case
// oddly (Kelvin sign, dotted İ, final sigma), white space of every kind, a BOM, and bytes that are not UTF-8.
const piece = fc.oneof(
  fc
    .constantFrom(...LITERALS, "spawn npx ENOENT", "Failed to spawn 'docker'", "status 503", "status 4041")
    .chain((l) => fc.constantFrom(l, l.toUpperCase(), l.slice(1), l.slice(0, -1)))
    .map(encode),
  fc
    .constantFrom(
      "\u212a",
      "DOC\u212aER daemon is not running",
      "\u0130nvalid config",
      "\u03a3",
      "\u00e9",
      "\u{1d400}",
      "\u00a0",
      "\u0085",
      "\u3000",
      "\ufeff",
      "\t",
      " ",
      "\r",
      "\r\n",
      "\n",
      "\n\n",
    )
    .map(encode),
  fc
    .constantFrom([0xff], [0xc3], [0xe2, 0x82], [0xc0, 0xaf], [0xed, 0xa0, 0x80], [0xf0, 0x9f])
    .map((b) => new Uint8Array(b)),
  fc.string({ unit: "grapheme-ascii", maxLength: 12 }).map(encode),
  fc.string({ unit: "binary", maxLength: 6 }).map(encode),
);
// No NUL: a NUL in the first 4 KiB refuses the log, which reading tests cover.
const log = fc.array(piece, { maxLength: 60 }).map((parts) => concat(parts).map((b) => (b === 0 ? 0x20 : b)));
const chunkSizes = fc.array(fc.integer({ min: 1, max: 64 }), { maxLength: 5 });
const facts = fc.option(
  fc.record(
    {
      transport: fc.constantFrom(...TRANSPORTS),
      dockerIsolated: fc.boolean(),
      errno: fc.constantFrom(...ERRNOS),
      exitCode: fc.integer({ min: -1, max: 2 }),
      timedOut: fc.boolean(),
      httpStatus: fc.constantFrom(401, 503, 200),
    },
    { requiredKeys: [] },
  ),
  { nil: undefined },
);

describe("the byte path counts as plain reading", () => {
  test("random and adversarial logs, in random chunks, with random facts", async () => {
    await fc.assert(
      fc.asyncProperty(log, chunkSizes, facts, async (data, sizes, given) => {
        expect(await byteCount(data, sizes, given)).toEqual(plainHistogram(data, given));
      }),
      { numRuns: 1500 },
    );
  });

  const longLines: Array<[string, Uint8Array]> = [
    ["a line of exactly LINE_CAP bytes", encode(`${"x".repeat(LINE_CAP - 6)}docker\nok\n`)],
    ["LINE_CAP bytes and a CR", encode(`${"x".repeat(LINE_CAP)}\r\nx509: bad\r\n`)],
    ["LINE_CAP + 1 bytes ending in CR", encode(`${"x".repeat(LINE_CAP - 1)}x509: \r\n`)],
    ["a wording just past the cut", encode(`${"x".repeat(LINE_CAP - 3)}connection refused\n`)],
    ["a CR just before the cut", encode(`${"x".repeat(LINE_CAP - 1)}\r${"y".repeat(10)}\n`)],
    ["non-ASCII: more bytes than LINE_CAP, fewer characters", encode(`${"é".repeat(40_000)} tls: x\n`)],
    ["non-ASCII cut inside a surrogate pair", encode(`${"x".repeat(LINE_CAP - 1)}\u{1d400}docker\n`)],
    [
      "a line far longer than any buffer",
      encode(`connection refused ${"\u00e9\u{1d400}x".repeat(100_000)}\nok`),
    ],
    [
      "invalid UTF-8 at the byte cap",
      concat([encode("é".repeat(2 * LINE_CAP - 1)), new Uint8Array([0xe2, 0x82]), encode("x\n")]),
    ],
    ["a long last line without a newline", encode(`${"x".repeat(LINE_CAP + 5)}`)],
    ["a BOM, then a long first line", encode(`\ufeff${"x".repeat(LINE_CAP - 1)}y\n`)],
  ];
  test.each(longLines)("%s", async (_, data) => {
    const expected = plainHistogram(data, { transport: "stdio" });
    for (const sizes of [[], [1000], [4096, 1], [LINE_CAP + 1]]) {
      expect(await byteCount(data, sizes, { transport: "stdio" })).toEqual(expected);
    }
  });

  test.each<[string, string, ClassifyFacts]>([
    ["a status alone, over HTTP", "GET /mcp: status 503\nstatus 401\r\n", { transport: "http" }],
    ["a status alone, over SSE, in upper case", "STATUS 404 from upstream\n", { transport: "sse" }],
    ["a spawn wording alone", "Error: spawn docker ENOENT\nFailed to spawn 'uvx'\n", { transport: "stdio" }],
  ])("%s", async (_, text, given) => {
    const data = encode(text);
    const expected = plainHistogram(data, given);
    expect(expected.classified).toBeGreaterThan(0);
    expect(await byteCount(data, [], given)).toEqual(expected);
  });

  test.each<[string, Uint8Array]>([
    ["an empty log", new Uint8Array(0)],
    ["only a BOM", encode("\ufeff")],
    ["a BOM and a newline", encode("\ufeff\n")],
    ["a BOM cut short", new Uint8Array([0xef, 0xbb])],
    ["a BOM mid-log, alone on its line", encode("a\n\ufeff\nb\n")],
    ["a last line without a newline", encode("ok\nconnection refused")],
    ["a last line of only a CR", encode("ok\n\r")],
    ["a NUL past the first 4 KiB", encode(`${"a\n".repeat(2100)}conn\0ection refused\n`)],
  ])("%s", async (_, data) => {
    for (const sizes of [[], [1], [2, 3]])
      expect(await byteCount(data, sizes)).toEqual(plainHistogram(data, undefined));
  });
});
