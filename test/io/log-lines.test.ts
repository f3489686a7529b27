// forEachLine on real temp files and on streams in pieces: lines as before, a log that is not text refused.
import { afterAll, describe, expect, test } from "bun:test";
import { rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { CliError } from "../../src/errors.ts";
import {
  CHUNK_BYTES,
  type Chunks,
  decodeLine,
  forEachLine,
  LINE_CAP,
  type LineSink,
  openLog,
} from "../../src/io/log-lines.ts";
import { gzipped, zipped, zstdCompressed } from "../support/archives.ts";
import { tempDir } from "../support/cli.ts";

const dirs: string[] = [];
afterAll(() => Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true }))));

async function logFile(name: string, content: string | Uint8Array): Promise<string> {
  const dir = await tempDir("mcpx-log-lines-");
  dirs.push(dir);
  const path = join(dir, name);
  await writeFile(path, content);
  return path;
}

const LOG = "Error: spawn npx ENOENT\nconnection refused\r\nx509: certificate has expired\n";
const LOG_LINES = ["Error: spawn npx ENOENT", "connection refused", "x509: certificate has expired"];

// Every line as text, as one that reads no bytes sees it.
const asText = (onLine: (line: string, cut: boolean) => void): LineSink => ({
  bytes: (bytes, start, end) => onLine(decodeLine(bytes, start, end), false),
  text: onLine,
});

// The lines of a source, or the refusal it met: message, exit code and hint together.
async function read(chunks: Chunks) {
  const lines: string[] = [];
  try {
    await forEachLine(
      chunks,
      asText((line) => lines.push(line)),
    );
    return { lines };
  } catch (error) {
    if (!(error instanceof CliError)) throw error;
    return { lines, refused: [error.message, error.exitCode, error.hint] };
  }
}

async function* pieces(data: Uint8Array, size: number) {
  for (let at = 0; at < data.length; at += size) yield data.subarray(at, at + size);
}

const utf16 = (text: string) => new Uint8Array(Buffer.from(`\ufeff${text}`, "utf16le"));

describe("a log that is not text is refused before any line", () => {
  test.each([
    ["gzip", "proxy.log.gz", gzipped(LOG), "is gzip-compressed", "zcat"],
    ["zip", "logs.zip", zipped("proxy.log", LOG), "is a zip archive", "unzip -p"],
    ["zstd", "proxy.log.zst", zstdCompressed(LOG), "is zstd-compressed", "zstdcat"],
  ])("a %s file names the file and the command that reads it", async (_, name, content, is, reader) => {
    const path = await logFile(name, content);
    expect(await read((await openLog(path)).chunks)).toEqual({
      lines: [],
      refused: [
        `${path} ${is}, not a text log`,
        1,
        `decompress it first: ${reader} ${path} | mcpproxy diagnose --file -`,
      ],
    });
  });

  test.each([
    ["a NUL byte among text", "connection refused\n\0\nmore\n"],
    ["a NUL byte as the last of the first 4 KiB", `${"a".repeat(4095)}\0\nconnection refused\n`],
    ["UTF-16 text, as Windows PowerShell writes it", utf16(LOG)],
  ])("%s", async (_, content) => {
    const path = await logFile("server.log", content);
    expect(await read((await openLog(path)).chunks)).toEqual({
      lines: [],
      refused: [
        `${path} holds binary data (a NUL byte), not a text log`,
        1,
        `if it is UTF-16 text, convert it: iconv -f UTF-16 -t UTF-8 ${path} | mcpproxy diagnose --file -`,
      ],
    });
  });

  test("a path the shell would split is quoted in the hint", async () => {
    const path = await logFile("it's my log.gz", gzipped(LOG));
    const { refused } = await read((await openLog(path)).chunks);
    expect(refused?.[2]).toBe(
      `decompress it first: zcat '${path.replaceAll("'", "'\\''")}' | mcpproxy diagnose --file -`,
    );
  });

  test.each([
    ["one byte at a time", 1],
    ["three bytes at a time", 3],
    ["in 1000-byte pieces", 1000],
  ])("a stream not opened by openLog is stdin, judged as it arrives %s", async (_, size) => {
    const gzip = await read(pieces(gzipped(LOG.repeat(500)), size));
    const binary = await read(pieces(new Uint8Array([0x61, 0x0a, 0x00, 0x0a]), size));
    expect([gzip, binary]).toEqual([
      {
        lines: [],
        refused: [
          "stdin is gzip-compressed, not a text log",
          1,
          "decompress it first: zcat LOG.gz | mcpproxy diagnose --file -",
        ],
      },
      {
        lines: [],
        refused: [
          "stdin holds binary data (a NUL byte), not a text log",
          1,
          "if it is UTF-16 text, convert it: iconv -f UTF-16 -t UTF-8 LOG | mcpproxy diagnose --file -",
        ],
      },
    ]);
  });

  test.each<[string, Uint8Array, number, string, number]>([
    ["zstd's magic", zstdCompressed(LOG), 512, "is zstd-compressed", 1],
    ["gzip's magic", gzipped(LOG), 1, "is gzip-compressed", 2],
    [
      "a NUL byte",
      new TextEncoder().encode(`${"a\n".repeat(500)}\0`),
      1,
      "holds binary data (a NUL byte)",
      1001,
    ],
  ])("an endless stdin is refused as soon as %s has arrived", async (_, start, size, is, pulled) => {
    const counter = { pulled: 0 };
    async function* endless() {
      for (let at = 0; ; at += size) {
        counter.pulled++;
        yield at < start.length ? start.subarray(at, at + size) : new Uint8Array(size).fill(0x61);
      }
    }
    const { lines, refused } = await read(endless());
    expect([lines, refused?.[0], counter.pulled]).toEqual([[], `stdin ${is}, not a text log`, pulled]);
  });

  test("string chunks are judged too", async () => {
    async function* strings() {
      yield* ["fine\n", "a\0b\n"];
    }
    const { refused } = await read(strings());
    expect(refused?.[0]).toBe("stdin holds binary data (a NUL byte), not a text log");
  });
});

describe("text logs read as before", () => {
  test.each<[string, string | Uint8Array, string[]]>([
    ["a text log", LOG, LOG_LINES],
    ["an empty file", "", []],
    ["one byte that starts gzip's magic", new Uint8Array([0x1f]), ["\u001f"]],
    ["gzip's magic after the first byte", new Uint8Array([0x20, 0x1f, 0x8b, 0x0a]), [" \u001f\ufffd"]],
    ["zip's magic cut short", "PK\u0003\u0005 not a zip\n", ["PK\u0003\u0005 not a zip"]],
    ["a NUL byte past the first 4 KiB", `${"a".repeat(4096)}\0\n`, [`${"a".repeat(4096)}\0`]],
    ["invalid UTF-8 and no final newline", new Uint8Array([0xff, 0x0a, 0x62]), ["\ufffd", "b"]],
  ])("%s", async (_, content, lines) => {
    const path = await logFile("proxy.log", content);
    expect(await read((await openLog(path)).chunks)).toEqual({ lines });
  });

  test("lines held back while the first 4 KiB arrive come out whole and in order, whatever the pieces", async () => {
    const text = Array.from({ length: 900 }, (_, i) => `line ${i}: connection refused é`).join("\n");
    const data = new TextEncoder().encode(text);
    const expected = text.split("\n");
    const results = await Promise.all(
      [1, 7, 4095, 4096, 4097, data.length].map((n) => read(pieces(data, n))),
    );
    expect(results).toEqual(results.map(() => ({ lines: expected })));
  });

  test("the first line arrives once 4 KiB have, not at the end of the stream", async () => {
    let pulled = 0;
    let pulledAtFirstLine = 0;
    async function* lines() {
      for (let i = 0; i < 1000; i++) {
        pulled++;
        yield new TextEncoder().encode(`${String(i).padStart(99, "0")}\n`);
      }
    }
    await forEachLine(
      lines(),
      asText(() => {
        pulledAtFirstLine ||= pulled;
      }),
    );
    expect([pulledAtFirstLine, pulled]).toEqual([41, 1000]);
  });

  test("a log of several reads: a UTF-8 character, a CRLF and a long line across read boundaries", async () => {
    const chunk = CHUNK_BYTES;
    const size = (text: string) => new TextEncoder().encode(text).length;
    // A line of filler from byte `from` to just before byte `to`.
    const fill = (from: number, to: number) => `${"a".repeat(to - from - 1)}\n`;
    let text = fill(0, chunk - 1);
    // The two bytes of é lie either side of the first boundary.
    text += "é over the first boundary\n";
    text += fill(size(text), 2 * chunk - 1 - "CRLF over the second".length);
    // The CR is the last byte of the second chunk, the LF the first of the third.
    text += "CRLF over the second\r\n";
    text += `${"b".repeat(chunk)}\nno newline at the end`;
    const path = await logFile("big.log", text);
    const expected = text
      .split("\n")
      .map((line) => (line.endsWith("\r") ? line.slice(0, -1) : line))
      .map((line) => line.slice(0, LINE_CAP));
    expect(await read((await openLog(path)).chunks)).toEqual({ lines: expected });
  });

  test("a FIFO is read as its writer writes", async () => {
    const dir = await tempDir("mcpx-log-fifo-");
    dirs.push(dir);
    const fifo = join(dir, "proxy.log");
    expect(Bun.spawnSync(["mkfifo", fifo]).exitCode).toBe(0);
    const writer = Bun.spawn(["sh", "-c", 'printf "%s" "$1" > "$2"', "sh", LOG, fifo]);
    const log = await openLog(fifo);
    expect(await read(log.chunks)).toEqual({ lines: LOG_LINES });
    expect(await writer.exited).toBe(0);
  });

  test("a line longer than LINE_CAP is cut and said to be", async () => {
    const path = await logFile("long.log", `${"x".repeat(LINE_CAP + 10)}\nshort\n`);
    const seen: [number, boolean][] = [];
    await forEachLine(
      (await openLog(path)).chunks,
      asText((line, cut) => seen.push([line.length, cut])),
    );
    expect(seen).toEqual([
      [LINE_CAP, true],
      [5, false],
    ]);
  });
});
