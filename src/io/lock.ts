// An exclusive lock file next to a resource, shared by every mcpproxy process, with stale-lock recovery.
import { open, readFile, rm, stat } from "node:fs/promises";
import { CliError, errnoOf } from "../errors.ts";

// A lock is held for milliseconds; one this old belongs to a process that died mid-write.
const STALE_AFTER_MS = 10_000;
const GIVE_UP_AFTER_MS = 15_000;

interface Holder {
  pid: number;
  host: string;
  token: string;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return errnoOf(error) === "EPERM";
  }
}

async function readHolder(path: string): Promise<{ holder: Holder | null; ageMs: number } | null> {
  try {
    const info = await stat(path);
    if (info.isDirectory()) {
      throw new CliError(`${path} is a folder, not a lock file`, 1, "remove it if no mcpproxy is running");
    }
    const text = await readFile(path, "utf8");
    let holder: Holder | null = null;
    try {
      holder = JSON.parse(text) as Holder;
    } catch {}
    return { holder, ageMs: Date.now() - info.mtimeMs };
  } catch (error) {
    if (errnoOf(error) === "ENOENT") return null;
    throw error;
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

/**
 * A live holder on this host is never stale, however long it takes (a slow disk, a stopped
 * process): breaking it would lose its write. Age decides only what the pid cannot.
 */
function isStale(found: { holder: Holder | null; ageMs: number }, host: string): boolean {
  const holder = found.holder;
  if (holder && holder.host === host && typeof holder.pid === "number") return !alive(holder.pid);
  return found.ageMs > STALE_AFTER_MS;
}

/**
 * Removes the lock if it still holds the stale holder we saw. Breakers take turns under a second
 * lock, so nobody can remove a lock that was released and re-taken after we looked at it.
 */
async function breakStale(path: string, seen: Holder | null, me: Holder): Promise<void> {
  const guard = `${path}.break`;
  if (!(await tryCreate(guard, me))) {
    const other = await readHolder(guard);
    if (other && other.ageMs > STALE_AFTER_MS) await rm(guard, { force: true });
    else await new Promise((r) => setTimeout(r, 5));
    return;
  }
  try {
    const now = await readHolder(path);
    const same = now && (seen ? now.holder?.token === seen.token : !now.holder);
    if (same && isStale(now, me.host)) await rm(path, { force: true });
  } finally {
    await rm(guard, { force: true });
  }
}

export async function withLock<T>(
  resource: string,
  work: () => Promise<T>,
  giveUpAfterMs = GIVE_UP_AFTER_MS,
): Promise<T> {
  const path = `${resource}.lock`;
  // node:os loads lazily: every static node: import costs start-up memory in the compiled binary.
  const { hostname } = await import("node:os");
  const holder: Holder = { pid: process.pid, host: hostname(), token: crypto.randomUUID() };
  const started = Date.now();
  let delay = 2;
  while (!(await tryCreate(path, holder))) {
    const found = await readHolder(path);
    if (found && isStale(found, holder.host)) {
      await breakStale(path, found.holder, holder);
      continue;
    }
    if (Date.now() - started > giveUpAfterMs) {
      const who = found?.holder?.pid ? ` by process ${found.holder.pid}` : "";
      throw new CliError(
        `${resource} is locked${who}`,
        1,
        `wait for the other mcpproxy to finish, or delete ${path} if none is running`,
      );
    }
    await new Promise((r) => setTimeout(r, delay + Math.random() * delay));
    delay = Math.min(delay * 2, 50);
  }
  try {
    return await work();
  } finally {
    const found = await readHolder(path).catch(() => null);
    if (found?.holder?.token === holder.token) await rm(path, { force: true });
  }
}
