// Whether a folder can be written: makes it (0700) if missing, then creates and removes a small file in it.
import { mkdir, open, rm } from "node:fs/promises";
import { errnoOf } from "../errors.ts";
import { errnoText } from "./errno-text.ts";
import { join } from "./paths.ts";

/** "" when the folder can be written, else why not in the user's words. */
export async function probeWritable(dir: string): Promise<string> {
  const probe = join(dir, `.probe-${process.pid}-${Math.random().toString(36).slice(2)}`);
  try {
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const handle = await open(probe, "wx", 0o600);
    await handle.close();
    await rm(probe, { force: true });
    return "";
  } catch (error) {
    await rm(probe, { force: true }).catch(() => {});
    return errnoText(errnoOf(error), error);
  }
}
