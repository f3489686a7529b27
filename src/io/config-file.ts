// What counts as a config file on disk (a regular file of at most 16 MiB), read with a bound.
import { constants, open, readlink, stat } from "node:fs/promises";
import { CliError, ExitCode, errnoOf } from "../errors.ts";
import { checkDepth, decodeConfig, MAX_BYTES } from "./config-encoding.ts";
import { errnoText } from "./errno-text.ts";
import { dirname, resolve } from "./paths.ts";

export { MAX_BYTES };

/** The file's text and the owner, group and mode a rewrite must keep; no `stat` when there is no file. */
export interface ConfigFile {
  text: string;
  exists: boolean;
  stat?: { uid: number; gid: number; mode: number };
}

interface Kind {
  isFile(): boolean;
  isDirectory(): boolean;
  isFIFO(): boolean;
  isCharacterDevice(): boolean;
  isBlockDevice(): boolean;
  isSocket(): boolean;
  size: number;
}

const LEAVE_IT = "nothing was read or written";

function notAConfig(path: string, what: string): CliError {
  return new CliError(
    `${path} is ${what}, not a config file`,
    ExitCode.config,
    `point --config (or MCPPROXY_CONFIG) at a regular JSON file; ${LEAVE_IT}`,
  );
}

const MIB = 1024 * 1024;
function sizeText(bytes: number): string {
  const mib = (bytes / MIB).toFixed(1);
  // "16.0 MiB" over a 16 MiB limit would read as a contradiction.
  return mib === "16.0" ? `${bytes.toLocaleString("en-US")} bytes` : `${mib} MiB`;
}

function tooBig(path: string, bytes: number | null): CliError {
  const size = bytes === null ? "larger than 16 MiB" : sizeText(bytes);
  return new CliError(
    `${path} is ${size}; a config file may be at most 16 MiB`,
    ExitCode.config,
    `this is not an mcpproxy config: point --config at the right file, or move this one away; ${LEAVE_IT}`,
  );
}

/** Refuses anything but a regular file of at most MAX_BYTES, naming what it is instead. */
function checkKind(path: string, info: Kind): void {
  if (info.isFile()) {
    if (info.size > MAX_BYTES) throw tooBig(path, info.size);
    return;
  }
  if (info.isDirectory()) throw notAConfig(path, "a folder");
  if (info.isFIFO()) throw notAConfig(path, "a FIFO (named pipe)");
  if (info.isCharacterDevice()) throw notAConfig(path, "a character device");
  if (info.isBlockDevice()) throw notAConfig(path, "a block device");
  if (info.isSocket()) throw notAConfig(path, "a socket");
  throw notAConfig(path, "not a regular file");
}

// stdin, `<(…)` and /proc/self/fd/N are the process's streams: rewriting one "in place" has no meaning.
const DESCRIPTOR = /^\/dev\/(stdin|stdout|stderr|fd\/.*)$|^\/proc\/[^/]+\/(task\/[^/]+\/)?fd\//;
const STANDARD: Record<string, string> = {
  "/dev/stdin": "standard input",
  "/dev/stdout": "standard output",
  "/dev/stderr": "standard error",
};

/** What stream the path names, itself or through its symlinks, or "" for an ordinary path. */
async function streamName(path: string): Promise<string> {
  let at = path;
  for (let hop = 0; hop < 40; hop++) {
    if (DESCRIPTOR.test(at)) return STANDARD[at] ?? "an open file descriptor (a pipe or <(…))";
    const link = await readlink(at).catch(() => null);
    if (link === null) return "";
    at = resolve(dirname(at), link);
  }
  return "";
}

/** The first path above `path` that exists and is not a folder, for ENOTDIR messages. */
async function fileOnTheWay(path: string): Promise<string | null> {
  for (let at = dirname(path); at !== dirname(at); at = dirname(at)) {
    const info = await stat(at).catch(() => null);
    if (info && !info.isDirectory()) return at;
  }
  return null;
}

/** A failure to read the config, in the user's words: exit 4, the path, and what to do. */
export async function readError(path: string, error: unknown): Promise<CliError> {
  if (error instanceof CliError) return error;
  const code = errnoOf(error);
  const fail = (why: string, hint: string) =>
    new CliError(`cannot read ${path}: ${why}`, ExitCode.config, `${hint}; ${LEAVE_IT}`);
  switch (code) {
    case "EACCES":
    case "EPERM":
      return fail("permission denied", "check the owner and mode of the file and of the folders above it");
    case "ENOTDIR": {
      const file = await fileOnTheWay(path);
      const why = file ? `${file} is a file, not a folder` : "a part of the path is a file, not a folder";
      return fail(why, "point --data-dir at a folder (or --config at a file in one)");
    }
    case "ELOOP":
      return fail(
        "too many symbolic links (a symlink loop)",
        `look at the links with \`ls -l ${path}\` and fix or remove the loop`,
      );
    case "ENAMETOOLONG":
      return fail("the path is too long", "use a shorter path (at most 255 bytes a name, 4,095 in all)");
    case "EISDIR":
      return notAConfig(path, "a folder");
    default: {
      const words = errnoText(code);
      const why = code && words !== code ? words : `the system refused (${code || "no error code"})`;
      return fail(why, "check the file, the folders above it and the disk");
    }
  }
}

/**
 * The cheap part of the check, before any lock is taken: the path names a regular file of at most
 * MAX_BYTES, or nothing yet. Nothing is opened. Returns whether the file exists.
 */
export async function checkConfigPath(path: string): Promise<boolean> {
  if (path.endsWith("/")) throw notAConfig(path, 'a path ending in "/" (a folder)');
  const stream = await streamName(path);
  if (stream) throw notAConfig(path, stream);
  try {
    checkKind(path, await stat(path));
    return true;
  } catch (error) {
    if (errnoOf(error) === "ENOENT") return false;
    throw await readError(path, error);
  }
}

// O_NONBLOCK: a FIFO swapped in after the stat opens at once instead of waiting for a writer.
const READ_FLAGS = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0) | (constants.O_NOCTTY ?? 0);

/** At most MAX_BYTES + 1 bytes of a regular file; a FIFO or device swapped in after the stat is refused. */
export async function readBounded(path: string): Promise<{ bytes: Uint8Array; stat: ConfigFile["stat"] }> {
  const handle = await open(path, READ_FLAGS);
  try {
    const info = await handle.stat();
    checkKind(path, info);
    let buffer = new Uint8Array(Math.min(info.size, MAX_BYTES) + 1);
    let length = 0;
    for (;;) {
      if (length === buffer.length) {
        // The file grew since the fstat: read on, but never past the limit.
        if (length > MAX_BYTES) throw tooBig(path, null);
        const bigger = new Uint8Array(Math.min(buffer.length * 2, MAX_BYTES + 1));
        bigger.set(buffer);
        buffer = bigger;
      }
      const { bytesRead } = await handle.read(buffer, length, buffer.length - length, length);
      if (bytesRead === 0) break;
      length += bytesRead;
    }
    return {
      bytes: buffer.subarray(0, length),
      stat: { uid: info.uid, gid: info.gid, mode: info.mode & 0o7777 },
    };
  } finally {
    await handle.close();
  }
}

/** The config's text, or "" with `exists: false` when there is no file yet. Every refusal is exit 4. */
export async function readConfigFile(path: string): Promise<ConfigFile> {
  if (!(await checkConfigPath(path))) return { text: "", exists: false };
  let read: Awaited<ReturnType<typeof readBounded>>;
  try {
    read = await readBounded(path);
  } catch (error) {
    // Removed between the stat and the open: as if it had never been there.
    if (errnoOf(error) === "ENOENT") return { text: "", exists: false };
    throw await readError(path, error);
  }
  const text = decodeConfig(path, read.bytes);
  checkDepth(path, text);
  return { text, exists: true, stat: read.stat };
}
