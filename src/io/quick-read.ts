// Reads and stats on a command's start-up path without node:fs (Bun's file API; see runtime.ts): a plain small
// file quickly; anything else, and everything under Deno, through node:fs as before.
import { errnoOf } from "../errors.ts";
import { bunFile, type FileInfo } from "../runtime.ts";

/**
 * The bytes of a regular file of at most `max` bytes, "absent" when nothing is there, or undefined when the
 * careful reader must look (a FIFO, a device, a folder, a larger file, any other error, or no Bun). Bun's
 * `size` is a synchronous stat: Infinity for FIFOs, sockets and devices, which are never opened here. A FIFO
 * swapped in between that stat and the read would block it: that takes a writer to the user's own folder.
 */
export async function quickRead(path: string, max: number): Promise<Uint8Array | "absent" | undefined> {
  const file = bunFile(path);
  if (!file || !(file.size <= max)) return undefined;
  try {
    const bytes = await file.bytes();
    // Nothing read may be a /proc file that states no size: an empty file is rare enough to read carefully.
    return bytes.length === 0 || bytes.length > max ? undefined : bytes;
  } catch (error) {
    // A folder fails here (EISDIR) and goes to the careful reader like every other error.
    return errnoOf(error) === "ENOENT" ? "absent" : undefined;
  }
}

/**
 * True when Bun's synchronous stat finds no bytes at the path: nothing there, an empty file, or a path it cannot
 * stat. For a reader to whom each of those means "nothing", that answer needs no read, and so no wait for Bun's
 * I/O threads (the first costs a start-up ~3.5 ms). Always false under Deno, which then reads as before.
 */
export function holdsNoBytes(path: string): boolean {
  return bunFile(path)?.size === 0;
}

/** A file's text as `readFile(path, "utf8")` gives it (a BOM kept, bad bytes replaced); it throws as that does. */
export async function readText(path: string, max: number): Promise<string> {
  const quick = await quickRead(path, max);
  if (quick === "absent") throw Object.assign(new Error(`no such file: ${path}`), { code: "ENOENT" });
  if (quick) return new TextDecoder("utf-8", { ignoreBOM: true }).decode(quick);
  const { readFile } = await import("node:fs/promises");
  return readFile(path, "utf8");
}

/** `stat`, following symlinks. */
export async function statPath(path: string): Promise<FileInfo> {
  const file = bunFile(path);
  if (file) return file.stat();
  const { stat } = await import("node:fs/promises");
  return stat(path);
}

/** Whether `stat` succeeds on the path (any kind of file); false on any error, as callers only look. */
export function pathExists(path: string): Promise<boolean> {
  return statPath(path).then(
    () => true,
    () => false,
  );
}
