// What this host says about a process by pid: whether it runs, and a mark of when it started.
import { errnoOf } from "../errors.ts";

// kill(0) and kill(-n) signal process groups: only a plain positive pid asks about one process.
const isPid = (pid: number) => Number.isInteger(pid) && pid > 0 && pid <= 0x7fffffff;

/** Whether a process with this pid exists here (EPERM: it does, but is another user's). */
export function isAlive(pid: number): boolean {
  if (!isPid(pid)) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return errnoOf(error) === "EPERM";
  }
}

export interface ProcessStart {
  /** Changes on every boot, so a pid reused after a reboot never matches. */
  boot: string;
  /** Clock ticks from boot to the process's start (field 22 of /proc/<pid>/stat). */
  ticks: string;
}

let bootId: Promise<string> | undefined;

/**
 * When the process started, or undefined where that cannot be known. Only Linux's /proc tells
 * (without spawning ps); elsewhere callers rely on pid liveness and their age caps.
 */
export async function processStart(pid: number): Promise<ProcessStart | undefined> {
  if (process.platform !== "linux" || !isPid(pid)) return undefined;
  const { readFile } = await import("node:fs/promises");
  try {
    bootId ??= readFile("/proc/sys/kernel/random/boot_id", "utf8").then((t) => t.trim());
    const [stat, boot] = await Promise.all([readFile(`/proc/${pid}/stat`, "utf8"), bootId]);
    // The command name (field 2) may hold spaces and parens: the fields we count follow its last ")".
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const ticks = fields[19] ?? "";
    return /^\d+$/.test(ticks) && boot !== "" ? { boot, ticks } : undefined;
  } catch {
    return undefined;
  }
}

let own: Promise<ProcessStart | undefined> | undefined;

/** This process's start, read once. */
export function ownStart(): Promise<ProcessStart | undefined> {
  own ??= processStart(process.pid);
  return own;
}
