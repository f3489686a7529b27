// Where a running daemon records where it listens, and the cheap look for that record: apart from daemon-file.ts
// (which checks the record with valibot), so a command with no daemon to ask never loads that code.
import { join } from "./paths.ts";
import { holdsNoBytes } from "./quick-read.ts";

export const daemonFilePath = (dataDir: string) => join(dataDir, "daemon.json");

/** False when no daemon can be serving this data dir: its record holds no bytes (Bun's synchronous stat). */
export function mayFindDaemon(dataDir: string): boolean {
  return !holdsNoBytes(daemonFilePath(dataDir));
}
