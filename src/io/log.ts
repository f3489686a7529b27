// One log for the long-running processes (daemon, collector): a consola instance made on first use, writing to stderr.
import type { ConsolaInstance } from "consola";

let instance: ConsolaInstance | undefined;

async function consola(): Promise<ConsolaInstance> {
  if (instance) return instance;
  const { createConsola } = await import("consola/basic");
  // consola prints info (even fail) on stdout by default; plain lines, no dates: a supervisor adds its own.
  instance = createConsola({
    stdout: process.stderr,
    stderr: process.stderr,
    formatOptions: { date: false, colors: false },
  });
  return instance;
}

export type Level = "info" | "warn" | "error";

/** One line; callers pass messages, never Error objects (no stacks in the log). */
export function log(level: Level, message: string): void {
  void consola().then((c) => c[level](message));
}

/** Logs a fault once until `clear(key)`: a broken config or a missing folder is said once, not every 5 s. */
export function onceLog() {
  const said = new Set<string>();
  return {
    warn(key: string, message: string) {
      if (said.has(key)) return;
      said.add(key);
      log("warn", message);
    },
    clear(key: string, message?: string) {
      if (said.delete(key) && message) log("info", message);
    },
  };
}
