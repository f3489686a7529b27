// Reads text streams in constant memory: a log as lines (refused if it is not text), or one capped message.
import { CliError, ExitCode, errnoOf } from "../errors.ts";
import { errnoText } from "./errno-text.ts";

// A line is classified on its first 64 Ki characters: the wordings sit near the start of a log line, and
// keeping more would let one 100 MB line (a base64 blob, a minified dump) take 100 MB of memory.
export const LINE_CAP = 64 * 1024;
// One message on stdin (a stack trace, a pasted log excerpt) may be longer; 1 Mi characters is plenty.
export const MESSAGE_CAP = 1024 * 1024;
// A log is read this many bytes at a time into one buffer: a quarter of 1 MiB peaks 1-1.7 MiB lower, as fast.
export const CHUNK_BYTES = 256 * 1024;
// UTF-8 spends at most 3 bytes on a UTF-16 unit, and settles a character within 4: so many bytes of a longer line
// decode to more than LINE_CAP characters, the same as the whole line's first ones.
const LONG_LINE_BYTES = 4 * LINE_CAP;

export type Chunks = AsyncIterable<Uint8Array | string>;

export interface LogFile {
  path: string;
  size: number;
  chunks: Chunks;
}

// The path a refusal names: openLog records it for its chunks; diagnose hands stdin's stream over as it is.
const logPaths = new WeakMap<Chunks, string>();

// Whether a log is text is judged on its first 4 KiB: compressed or binary, it is refused with a way in.
const SNIFF_BYTES = 4096;
const MAGIC_BYTES = 4;
const NOT_TEXT = [
  { magic: [0x1f, 0x8b], is: "is gzip-compressed", reader: "zcat", example: "LOG.gz" },
  { magic: [0x50, 0x4b, 0x03, 0x04], is: "is a zip archive", reader: "unzip -p", example: "LOG.zip" },
  { magic: [0x28, 0xb5, 0x2f, 0xfd], is: "is zstd-compressed", reader: "zstdcat", example: "LOG.zst" },
];

// The path as one shell word, so that the hint can be pasted as it is.
const shellWord = (path: string) =>
  /^[\w@%+=:,./-]+$/.test(path) ? path : `'${path.replaceAll("'", "'\\''")}'`;

// A compressed format is known by its first bytes, a NUL byte as soon as it comes: neither waits for 4 KiB.
function refuseNonText(head: Uint8Array, nul: boolean, path: string | undefined): void {
  const name = path ?? "stdin";
  const source = (example: string) => (path === undefined ? example : shellWord(path));
  const pipe = (reader: string, example: string) =>
    `${reader} ${source(example)} | mcpproxy diagnose --file -`;
  const format = NOT_TEXT.find(({ magic }) => magic.every((byte, i) => head[i] === byte));
  if (format !== undefined) {
    const hint = `decompress it first: ${pipe(format.reader, format.example)}`;
    throw new CliError(`${name} ${format.is}, not a text log`, ExitCode.failure, hint);
  }
  if (nul) {
    // UTF-16 text (what Windows PowerShell's `>` writes) is half NUL bytes.
    const hint = `if it is UTF-16 text, convert it: ${pipe("iconv -f UTF-16 -t UTF-8", "LOG")}`;
    throw new CliError(`${name} holds binary data (a NUL byte), not a text log`, ExitCode.failure, hint);
  }
}

/** The chunks as they come, held back only until their first 4 KiB are known to be text. */
async function* textOnly(chunks: Chunks, path: string | undefined): AsyncGenerator<Uint8Array | string> {
  const encoder = new TextEncoder();
  const head = new Uint8Array(MAGIC_BYTES);
  let seen = 0;
  const held: (Uint8Array | string)[] = [];
  for await (const chunk of chunks) {
    if (seen === SNIFF_BYTES) {
      yield chunk;
      continue;
    }
    const bytes = typeof chunk === "string" ? encoder.encode(chunk.slice(0, SNIFF_BYTES)) : chunk;
    const fresh = bytes.subarray(0, SNIFF_BYTES - seen);
    if (seen < MAGIC_BYTES) head.set(fresh.subarray(0, MAGIC_BYTES - seen), seen);
    seen += fresh.byteLength;
    refuseNonText(head.subarray(0, Math.min(seen, MAGIC_BYTES)), fresh.includes(0), path);
    // A chunk's bytes are good only until the next is read.
    held.push(typeof chunk === "string" ? chunk : chunk.slice());
    if (seen === SNIFF_BYTES) yield* held.splice(0);
  }
  yield* held;
}

const READ_HINTS: Record<string, string> = {
  ENOENT: "check the log's path",
  EACCES: "check the file's owner and mode",
  EPERM: "check the file's owner and mode",
};

function readError(path: string, error: unknown): CliError {
  const code = errnoOf(error);
  if (code === "EISDIR") {
    return new CliError(`${path} is a folder, not a log file`, ExitCode.failure, "give --file a file");
  }
  const why = code === "ENOENT" ? "no such file" : errnoText(code, error);
  return new CliError(
    `cannot read ${path}: ${why}`,
    ExitCode.failure,
    READ_HINTS[code] ?? "check the log's path",
  );
}

/**
 * Opens a log for streaming; a missing file, a folder or an unreadable file is the user's error. Its chunks
 * share one buffer: each is good until the next is asked for.
 */
export async function openLog(path: string): Promise<LogFile> {
  // node:fs loads only here: a static import costs every command start-up memory.
  const fs = await import("node:fs");
  let info: import("node:fs").Stats;
  try {
    info = fs.statSync(path);
  } catch (error) {
    throw readError(path, error);
  }
  if (info.isDirectory()) throw readError(path, { code: "EISDIR" });
  // A plain file is read synchronously: promises and their I/O threads cost ~4 MiB and ~14 ms a 80 MiB log.
  // A FIFO or a device may have to wait for its writer: it is read without blocking the event loop.
  const named = chunksOf(path, info.isFile() ? () => plainFile(fs, path) : () => waitingFile(path));
  logPaths.set(named, path);
  return { path, size: info.size, chunks: named };
}

interface OpenFile {
  /** Reads into the buffer from the current position; 0 at the end. */
  read(buffer: Uint8Array): number | Promise<number>;
  close(): unknown;
}

function plainFile(fs: typeof import("node:fs"), path: string): OpenFile {
  const fd = fs.openSync(path, "r");
  return { read: (buffer) => fs.readSync(fd, buffer, 0, buffer.length, null), close: () => fs.closeSync(fd) };
}

async function waitingFile(path: string): Promise<OpenFile> {
  const { open } = await import("node:fs/promises");
  const file = await open(path, "r");
  return {
    read: async (buffer) => (await file.read(buffer, 0, buffer.length, null)).bytesRead,
    close: () => file.close(),
  };
}

// Opened when first read, so an open error (EACCES) surfaces from the iteration, never unheard.
async function* chunksOf(path: string, open: () => OpenFile | Promise<OpenFile>) {
  // One buffer read into again and again: a stream's fresh buffer a chunk grew the heap by tens of MiB.
  const buffer = new Uint8Array(CHUNK_BYTES);
  let file: OpenFile;
  try {
    file = await open();
  } catch (error) {
    throw readError(path, error);
  }
  try {
    for (;;) {
      const bytesRead = await file.read(buffer);
      if (bytesRead === 0) return;
      yield buffer.subarray(0, bytesRead);
    }
  } catch (error) {
    throw readError(path, error);
  } finally {
    await file.close();
  }
}

const textOf = (decoder: TextDecoder, chunk: Uint8Array | string, last = false) =>
  typeof chunk === "string" ? chunk : decoder.decode(chunk, { stream: !last });

/** Where forEachLine hands each line. */
export interface LineSink {
  /** A line of at most LINE_CAP bytes, CR gone, good only during the call: `decodeLine` gives its text. */
  bytes(bytes: Uint8Array, start: number, end: number): void;
  /** A longer line: its first LINE_CAP characters, with `cut` true when it had more. */
  text(line: string, cut: boolean): void;
  /** The bytes handed to `bytes` so far are about to be read over. */
  flush?(): void;
}

// The BOM is the stream's: only at its start is it dropped; anywhere else U+FEFF is text.
const lineDecoder = new TextDecoder("utf-8", { ignoreBOM: true });

/** The text of a line's bytes, invalid UTF-8 as U+FFFD, as a decoder of the whole stream gives it. */
export const decodeLine = (bytes: Uint8Array, start: number, end: number): string =>
  lineDecoder.decode(bytes.subarray(start, end));

const isBom = (bytes: Uint8Array, start: number, end: number) =>
  end - start >= 3 && bytes[start] === 0xef && bytes[start + 1] === 0xbb && bytes[start + 2] === 0xbf;

// Splits bytes at LF: a line within one chunk is handed over where it lies, one across chunks is copied.
class LineSplitter {
  private readonly carry = new Uint8Array(LONG_LINE_BYTES);
  // Bytes of the line begun in an earlier chunk; past LONG_LINE_BYTES the rest is dropped.
  private carried = 0;
  private first = true;

  constructor(private readonly sink: LineSink) {}

  feed(chunk: Uint8Array): void {
    let start = 0;
    for (let nl = chunk.indexOf(0x0a); nl !== -1; nl = chunk.indexOf(0x0a, start)) {
      if (this.carried === 0) this.line(chunk, start, nl);
      else {
        this.keep(chunk, start, nl);
        this.line(this.carry, 0, this.carried);
        this.carried = 0;
      }
      start = nl + 1;
    }
    // The chunk is read over next, and the carried line (if one was handed) by the keep below.
    this.sink.flush?.();
    this.keep(chunk, start, chunk.length);
  }

  /** The last line, if the stream did not end with a newline. */
  end(): void {
    if (this.carried > 0) this.line(this.carry, 0, this.carried, true);
    this.sink.flush?.();
  }

  private keep(bytes: Uint8Array, start: number, end: number): void {
    const kept = Math.min(end - start, LONG_LINE_BYTES - this.carried);
    this.carry.set(bytes.subarray(start, start + kept), this.carried);
    this.carried += kept;
  }

  private line(bytes: Uint8Array, start: number, end: number, last = false): void {
    if (this.first && isBom(bytes, start, end)) start += 3;
    this.first = false;
    if (last && start === end) return;
    if (end - start <= LINE_CAP) {
      this.sink.bytes(bytes, start, end > start && bytes[end - 1] === 0x0d ? end - 1 : end);
      return;
    }
    const text = decodeLine(bytes, start, Math.min(end, start + LONG_LINE_BYTES));
    const cut = text.length > LINE_CAP;
    const line = cut ? text.slice(0, LINE_CAP) : text;
    this.sink.text(line.endsWith("\r") ? line.slice(0, -1) : line, cut);
  }
}

/**
 * Hands `sink` every line (LF or CRLF; a last line without a newline counts), as bytes when they are at most
 * LINE_CAP, else as the start of its text. Invalid UTF-8 reads as U+FFFD. Memory stays at one chunk plus one
 * capped line, whatever the size of the log or of its lines. A log whose first 4 KiB are gzip, zip or zstd, or
 * hold a NUL byte, is refused (a CliError) before any line.
 */
export async function forEachLine(
  chunks: Chunks,
  sink: LineSink,
  onChunk?: (bytes: number) => void,
): Promise<void> {
  const encoder = new TextEncoder();
  const lines = new LineSplitter(sink);
  for await (const chunk of textOnly(chunks, logPaths.get(chunks))) {
    lines.feed(typeof chunk === "string" ? encoder.encode(chunk) : chunk);
    onChunk?.(typeof chunk === "string" ? chunk.length : chunk.byteLength);
  }
  lines.end();
}

/** The whole stream as one message, its first MESSAGE_CAP characters kept; the rest is read and dropped. */
export async function readMessage(chunks: Chunks): Promise<{ text: string; cut: boolean }> {
  const decoder = new TextDecoder("utf-8");
  const parts: string[] = [];
  let length = 0;
  let cut = false;
  const add = (text: string) => {
    if (cut || text === "") return;
    const room = MESSAGE_CAP - length;
    if (text.length > room) cut = true;
    const kept = cut ? text.slice(0, room) : text;
    parts.push(kept);
    length += kept.length;
  };
  for await (const chunk of chunks) add(textOf(decoder, chunk));
  add(decoder.decode());
  return { text: parts.join(""), cut };
}
