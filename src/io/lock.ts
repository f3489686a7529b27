// An exclusive lock file next to a resource, shared by every mcpproxy process, with stale-lock recovery.
import { constants, lstat, open, readdir, rm, utimes } from "node:fs/promises";
import * as v from "valibot";
import { printable } from "../core/printable.ts";
import { CliError, ExitCode, errnoOf } from "../errors.ts";
import { errnoText } from "./errno-text.ts";
import { isAlive, ownStart, processStart } from "./process-info.ts";

// No config write holds a lock for more than a moment: one this old is stale, whoever holds it.
const MAX_AGE_MS = 60_000;
// A holder fills its lock in right after creating it; a lock still unreadable this long after never will be.
const UNPARSED_MAX_AGE_MS = 10_000;
const GIVE_UP_AFTER_MS = 15_000;
// A record is ~150 bytes; reading more would let a hostile lock file make us read without end.
const MAX_LOCK_BYTES = 4096;

const HolderSchema = v.object({
  pid: v.pipe(v.number(), v.safeInteger(), v.minValue(1), v.maxValue(0x7fffffff)),
  host: v.string(),
  token: v.string(),
  // `<boot id>:<start ticks>` on Linux; absent where the OS cannot tell (and in locks of older versions).
  start: v.optional(v.string()),
});
type Holder = v.InferOutput<typeof HolderSchema>;

/** A lock file as we saw it: `id` and `text` tell whether it is still the same file later. */
interface Seen {
  id: string;
  text: string;
  holder: Holder | null;
  ageMs: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function parseHolder(text: string): Holder | null {
  try {
    const result = v.safeParse(HolderSchema, JSON.parse(text));
    return result.success ? result.output : null;
  } catch {
    return null;
  }
}

function lockError(path: string, error: unknown, doing: string): CliError {
  return new CliError(
    `cannot ${doing} the lock file ${path}: ${errnoText(errnoOf(error), error)}`,
    ExitCode.failure,
    "check its owner and mode, or delete it if no mcpproxy is running",
  );
}

async function readLock(path: string): Promise<Seen | null> {
  try {
    const info = await lstat(path);
    if (info.isDirectory()) {
      throw new CliError(
        `${path} is a folder, not a lock file`,
        ExitCode.failure,
        "remove it if no mcpproxy is running",
      );
    }
    if (!info.isFile()) {
      throw new CliError(
        `${path} is not a lock file`,
        ExitCode.failure,
        "remove it if no mcpproxy is running",
      );
    }
    // NOFOLLOW and NONBLOCK: a link or FIFO swapped in after lstat must not redirect or hang the read.
    const flags = constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0);
    const handle = await open(path, flags);
    let text: string;
    try {
      const buffer = Buffer.alloc(MAX_LOCK_BYTES + 1);
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
      text = bytesRead > MAX_LOCK_BYTES ? "" : buffer.toString("utf8", 0, bytesRead);
    } finally {
      await handle.close();
    }
    return {
      id: `${info.dev}:${info.ino}:${info.mtimeMs}`,
      text,
      holder: parseHolder(text),
      ageMs: Date.now() - info.mtimeMs,
    };
  } catch (error) {
    if (error instanceof CliError) throw error;
    if (errnoOf(error) === "ENOENT") return null;
    throw lockError(path, error, "read");
  }
}

async function tryCreate(path: string, holder: Holder): Promise<boolean> {
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(path, "wx", 0o600);
  } catch (error) {
    if (errnoOf(error) === "EEXIST") return false;
    throw error;
  }
  try {
    await handle.writeFile(JSON.stringify(holder));
    await handle.close();
    return true;
  } catch (error) {
    // A lock we could not fill in (disk full) must not be left behind for others to wait on.
    await handle.close().catch(() => {});
    await rm(path, { force: true });
    throw error;
  }
}

const startMark = (start: { boot: string; ticks: string } | undefined) =>
  start && `${start.boot}:${start.ticks}`;

/**
 * Age decides first; on this host a holder's lock then stands while its process does. Another
 * host's pids mean nothing here, so its lock stands until the age cap.
 */
async function isStale(seen: Seen, host: string): Promise<boolean> {
  const holder = seen.holder;
  // A lock dated far in the future has no honest writer either: the cap counts both ways.
  if (!holder) return Math.abs(seen.ageMs) > UNPARSED_MAX_AGE_MS;
  if (Math.abs(seen.ageMs) > MAX_AGE_MS) return true;
  if (holder.host !== host) return false;
  if (!isAlive(holder.pid)) return true;
  if (holder.start === undefined) return false;
  const now = startMark(await processStart(holder.pid));
  // Unknown now (the process just ended, or no /proc): the next look decides.
  return now !== undefined && now !== holder.start;
}

/**
 * Removes the lock if it is still the stale file we saw. Breakers take turns under a second
 * lock, so nobody can remove a lock that was released and re-taken after we looked at it.
 */
async function breakStale(path: string, seen: Seen, me: Holder): Promise<void> {
  const guard = `${path}.break`;
  if (!(await tryCreate(guard, me))) {
    const other = await readLock(guard);
    // A guard whose breaker was killed is stale by the same rules as any lock.
    if (other && (await isStale(other, me.host))) await rm(guard, { force: true });
    return;
  }
  try {
    const now = await readLock(path);
    if (now && now.id === seen.id && now.text === seen.text && (await isStale(now, me.host))) {
      await rm(path, { force: true }).catch((error) => {
        throw lockError(path, error, "remove the stale");
      });
    }
  } finally {
    await rm(guard, { force: true });
  }
}

/** Another live process held the lock for the whole wait. */
export class LockBusy extends CliError {}

function busyError(resource: string, path: string, seen: Seen | null): CliError {
  const hint = `wait for it to finish; if no mcpproxy is running, delete the lock file ${path}`;
  if (!seen)
    return new LockBusy(`${resource} is locked: other processes kept taking ${path}`, ExitCode.failure, hint);
  const age = `${Math.round(seen.ageMs / 1000)} s ago`;
  const who = seen.holder
    ? `process ${seen.holder.pid} on host "${printable(seen.holder.host.slice(0, 100))}" holds ${path}, taken ${age}`
    : `${path} holds no valid lock record (written ${age})`;
  return new LockBusy(`${resource} is locked: ${who}`, ExitCode.failure, hint);
}

/**
 * The stale locks (and break guards) in these folders, for doctor. Only files holding our record
 * count: a folder may hold other tools' `*.lock` files (Cargo.lock, Gemfile.lock), never ours to judge.
 */
export async function findStaleLocks(folders: readonly string[]): Promise<string[]> {
  const { hostname } = await import("node:os");
  const { join } = await import("./paths.ts");
  const found: string[] = [];
  for (const folder of folders) {
    const names = await readdir(folder).catch(() => [] as string[]);
    for (const name of names.filter((n) => n.endsWith(".lock") || n.endsWith(".lock.break")).sort()) {
      const path = join(folder, name);
      const seen = await readLock(path).catch(() => null);
      if (seen?.holder && (await isStale(seen, hostname()))) found.push(path);
    }
  }
  return found;
}

/** A long holder (a heartbeat send with its retries) re-dates its lock this often, well inside the 60 s cap. */
export const KEEP_FRESH_EVERY_MS = 15_000;

/**
 * Runs `work` holding `<resource>.lock`; waits at most `giveUpAfterMs`, sleeping between tries, then throws
 * LockBusy. With `keepFreshEveryMs`, the lock is re-dated while `work` runs, so it never ages into staleness.
 */
export async function withLock<T>(
  resource: string,
  work: () => Promise<T>,
  giveUpAfterMs = GIVE_UP_AFTER_MS,
  keepFreshEveryMs = 0,
): Promise<T> {
  const path = `${resource}.lock`;
  // node:os loads lazily: every static node: import costs start-up memory in the compiled binary.
  const { hostname } = await import("node:os");
  const start = startMark(await ownStart());
  const holder: Holder = {
    pid: process.pid,
    host: hostname(),
    token: crypto.randomUUID(),
    ...(start ? { start } : {}),
  };
  const mine = JSON.stringify(holder);
  // performance.now: a wall clock set back must not stretch the wait.
  const deadline = performance.now() + giveUpAfterMs;
  let delay = 2;
  while (!(await tryCreate(path, holder))) {
    const seen = await readLock(path);
    if (seen && (await isStale(seen, holder.host))) await breakStale(path, seen, holder);
    const left = deadline - performance.now();
    if (left <= 0) {
      // Breaking may just have freed it: one last try before giving up.
      if (await tryCreate(path, holder)) break;
      throw busyError(resource, path, (await readLock(path)) ?? seen);
    }
    // Every retry sleeps, whatever happened above: no path through this loop can spin.
    await sleep(Math.min(left, delay + Math.random() * delay));
    delay = Math.min(delay * 2, 50);
  }
  const refresh =
    keepFreshEveryMs > 0
      ? setInterval(() => {
          const now = new Date();
          readLock(path)
            .then((seen) => (seen?.text === mine ? utimes(path, now, now) : undefined))
            .catch(() => {});
        }, keepFreshEveryMs)
      : undefined;
  try {
    return await work();
  } finally {
    clearInterval(refresh);
    const now = await readLock(path).catch(() => null);
    if (now?.text === mine) await rm(path, { force: true });
  }
}
