// Atomic file replacement through temp files beside the target (flushed, then renamed), including those a killed writer left.
import { lstat, open, readdir, rename, rm } from "node:fs/promises";
import { CliError, ExitCode, errnoOf } from "../errors.ts";
import { errnoText } from "./errno-text.ts";
import { dirname, join } from "./paths.ts";
import { isAlive, ownStart, processStart } from "./process-info.ts";

// `.<pid>-<start ticks, base 36; empty where unknown>-<host tag>-<random>.tmp`: enough to tell whose it is.
const TEMP = /^\.(\d{1,10})-([0-9a-z]{0,14})-([0-9a-z]{4})-[0-9a-f]{8}\.tmp$/;
// Versions before 2026-12 named them `.<pid>-<random>.tmp`, with no host: age alone decides for those.
const OLD_TEMP = /^\.\d{1,10}-[0-9a-z]{6,12}\.tmp$/;
// A temp file lives for one write, a moment (config writes hold a lock stale after 60 s): one older is no live write's.
const TEMP_MAX_AGE_MS = 60_000;

// Four base-36 characters of FNV-1a: a folder shared between hosts must not judge one host's pids on another.
function hostTag(host: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < host.length; i++) hash = Math.imul(hash ^ host.charCodeAt(i), 0x01000193);
  return ((hash >>> 0) % 36 ** 4).toString(36).padStart(4, "0");
}

let host: Promise<string> | undefined;
function ownHostTag(): Promise<string> {
  // node:os loads lazily: every static node: import costs start-up memory in the compiled binary.
  host ??= import("node:os").then((os) => hostTag(os.hostname()));
  return host;
}

const ticks36 = (start: { ticks: string } | undefined) => (start ? Number(start.ticks).toString(36) : "");

/** The start of the temp-file names a process with this pid (on this host) writes: `.<pid>-<start>-<host>-`. */
export async function tempPrefix(pid = process.pid): Promise<string> {
  const start = pid === process.pid ? await ownStart() : await processStart(pid);
  return `.${pid}-${ticks36(start)}-${await ownHostTag()}-`;
}

async function isLeftOver(folder: string, name: string, tag: string): Promise<boolean> {
  const ours = TEMP.exec(name);
  if (!ours && !OLD_TEMP.test(name)) return false;
  const info = await lstat(join(folder, name));
  if (!info.isFile()) return false;
  if (Math.abs(Date.now() - info.mtimeMs) > TEMP_MAX_AGE_MS) return true;
  if (!ours || ours[3] !== tag) return false;
  const pid = Number(ours[1]);
  if (!isAlive(pid)) return true;
  // A live pid whose start differs is another process that reused it; unknown start: the pid decides.
  const now = await processStart(pid);
  return ours[2] !== "" && now !== undefined && ticks36(now) !== ours[2];
}

/** Best effort: a sweep that fails must not fail the write that ran it. */
async function sweepTempFiles(folder: string): Promise<void> {
  const tag = await ownHostTag();
  const names = await readdir(folder).catch(() => [] as string[]);
  for (const name of names) {
    if (await isLeftOver(folder, name, tag).catch(() => false)) {
      await rm(join(folder, name), { force: true }).catch(() => {});
    }
  }
}

export async function writeFileAtomic(
  path: string,
  text: string,
  mode = 0o600,
  owner?: { uid: number; gid: number },
): Promise<void> {
  const folder = dirname(path);
  const temp = join(folder, `${await tempPrefix()}${crypto.randomUUID().slice(0, 8)}.tmp`);
  try {
    const handle = await open(temp, "wx", mode);
    try {
      await handle.writeFile(text);
      await handle.sync();
      // On the handle, not the name: a folder's owner could swap the name for a symlink meanwhile.
      if (owner) await handle.chown(owner.uid, owner.gid);
      // open() applies the umask; the mode we mean is exact (after chown, which may clear set-id bits).
      await handle.chmod(mode);
    } finally {
      await handle.close();
    }
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
  await sweepTempFiles(folder);
}

/** A failed write in the user's words. */
export function writeError(path: string, error: unknown): CliError {
  if (error instanceof CliError) return error;
  const failure = new CliError(
    `cannot write ${path}: ${errnoText(errnoOf(error), error)}`,
    ExitCode.failure,
    "check the folder's owner, mode and free space",
  );
  // Kept for callers that answer by cause: `serve` exits 5 on permission denied.
  failure.cause = error;
  return failure;
}
