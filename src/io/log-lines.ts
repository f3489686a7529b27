// Reads text streams in constant memory: a log as lines, or a whole stream as one capped message.
import { stat } from "node:fs/promises";
import { CliError, errnoOf } from "../errors.ts";

// A line is classified on its first 64 Ki characters: the wordings sit near the start of a log line, and
// keeping more would let one 100 MB line (a base64 blob, a minified dump) take 100 MB of memory.
export const LINE_CAP = 64 * 1024;
// One message on stdin (a stack trace, a pasted log excerpt) may be longer; 1 Mi characters is plenty.
export const MESSAGE_CAP = 1024 * 1024;
const CHUNK_BYTES = 1024 * 1024;

export type Chunks = AsyncIterable<Uint8Array | string>;

export interface LogFile {
  path: string;
  size: number;
  chunks: Chunks;
}

function readError(path: string, error: unknown): CliError {
  const code = errnoOf(error);
  if (code === "ENOENT") return new CliError(`cannot read ${path}: no such file`, 1, "check the log's path");
  if (code === "EISDIR") return new CliError(`${path} is a folder, not a log file`, 1, "give --file a file");
  if (code === "EACCES" || code === "EPERM") {
    return new CliError(`cannot read ${path}: permission denied`, 1, "check the file's owner and mode");
  }
  if (code === "ENOTDIR") return new CliError(`cannot read ${path}: a part of the path is a file`, 1);
  return new CliError(`cannot read ${path}: ${(error as Error).message}`, 1);
}

/** Opens a log for streaming; a missing file, a folder or an unreadable file is the user's error. */
export async function openLog(path: string): Promise<LogFile> {
  const info = await stat(path).catch((error) => {
    throw readError(path, error);
  });
  if (info.isDirectory()) throw readError(path, { code: "EISDIR" });
  // Opened when first read, so an open error (EACCES) surfaces from the iteration, never unheard.
  async function* chunks() {
    // node:fs (streams and all) loads only here: a static import costs every command start-up memory.
    const { createReadStream } = await import("node:fs");
    try {
      for await (const chunk of createReadStream(path, { highWaterMark: CHUNK_BYTES })) {
        yield chunk as Uint8Array;
      }
    } catch (error) {
      throw readError(path, error);
    }
  }
  return { path, size: info.size, chunks: chunks() };
}

const textOf = (decoder: TextDecoder, chunk: Uint8Array | string, last = false) =>
  typeof chunk === "string" ? chunk : decoder.decode(chunk, { stream: !last });

/**
 * Calls `onLine` for every line (LF or CRLF; a last line without a newline counts), with `cut` true when
 * the line was longer than LINE_CAP and only its start is given. Invalid UTF-8 becomes U+FFFD. Memory
 * stays at one chunk plus one capped line, whatever the size of the log or of its lines.
 */
export async function forEachLine(
  chunks: Chunks,
  onLine: (line: string, cut: boolean) => void,
  onChunk?: (bytes: number) => void,
): Promise<void> {
  const decoder = new TextDecoder("utf-8");
  let pending = "";
  let cut = false;
  const emit = (line: string) => {
    onLine(line.endsWith("\r") ? line.slice(0, -1) : line, cut);
    pending = "";
    cut = false;
  };
  const keep = (piece: string) => {
    if (cut) return;
    const room = LINE_CAP - pending.length;
    if (piece.length > room) {
      cut = true;
      pending += piece.slice(0, room);
    } else {
      pending += piece;
    }
  };
  const feed = (text: string) => {
    let start = 0;
    for (let nl = text.indexOf("\n"); nl !== -1; nl = text.indexOf("\n", start)) {
      if (pending === "" && !cut && nl - start <= LINE_CAP) emit(text.slice(start, nl));
      else {
        keep(text.slice(start, nl));
        emit(pending);
      }
      start = nl + 1;
    }
    if (start < text.length) keep(text.slice(start));
  };
  for await (const chunk of chunks) {
    feed(textOf(decoder, chunk));
    onChunk?.(typeof chunk === "string" ? chunk.length : chunk.byteLength);
  }
  feed(decoder.decode());
  if (pending !== "" || cut) emit(pending);
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
