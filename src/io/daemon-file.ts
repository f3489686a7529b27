// <dataDir>/daemon.json: where a running daemon listens; written atomically once it listens, removed when it stops.
import * as v from "valibot";
import { type DaemonFile, DaemonFileSchema } from "../core/daemon-info.ts";
import { daemonFilePath, mayFindDaemon } from "./daemon-path.ts";
import { quickRead } from "./quick-read.ts";

// A record is ~300 bytes; reading more would let a hostile file make a CLI command read without end.
const MAX_BYTES = 8192;

/** The record, or null when there is none or it does not parse (a client then works offline). */
export async function readDaemonFile(dataDir: string): Promise<DaemonFile | null> {
  if (!mayFindDaemon(dataDir)) return null;
  const quick = await quickRead(daemonFilePath(dataDir), MAX_BYTES);
  if (quick === "absent") return null;
  const text = quick ? new TextDecoder().decode(quick) : await readCarefully(dataDir);
  if (text === null) return null;
  try {
    const result = v.safeParse(DaemonFileSchema, JSON.parse(text));
    return result.success ? result.output : null;
  } catch {
    return null;
  }
}

async function readCarefully(dataDir: string): Promise<string | null> {
  const { constants, open } = await import("node:fs/promises");
  try {
    // NONBLOCK: a FIFO put in its place must not hang a command that only looks for a daemon.
    const handle = await open(daemonFilePath(dataDir), constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
    try {
      if (!(await handle.stat()).isFile()) return null;
      const buffer = Buffer.alloc(MAX_BYTES + 1);
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
      if (bytesRead > MAX_BYTES) return null;
      return buffer.toString("utf8", 0, bytesRead);
    } finally {
      await handle.close();
    }
  } catch {
    return null;
  }
}

export async function writeDaemonFile(dataDir: string, record: DaemonFile): Promise<void> {
  const { writeFileAtomic } = await import("./atomic-file.ts");
  await writeFileAtomic(daemonFilePath(dataDir), `${JSON.stringify(record, null, 2)}\n`);
}

/** Removes the record if it is still this process's (a newer daemon's is left alone). */
export async function removeDaemonFile(dataDir: string, pid: number): Promise<void> {
  const now = await readDaemonFile(dataDir);
  if (now && now.pid !== pid) return;
  const { rm } = await import("node:fs/promises");
  await rm(daemonFilePath(dataDir), { force: true });
}
