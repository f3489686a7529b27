// Replaces a file atomically: a temp file in the same folder, flushed, then renamed over the old one.
import { chmod, open, rename, rm } from "node:fs/promises";
import { dirname, join } from "node:path";
import { CliError, ExitCode, errnoOf } from "../errors.ts";

export async function writeFileAtomic(
  path: string,
  text: string,
  mode = 0o600,
  owner?: { uid: number; gid: number },
): Promise<void> {
  const temp = join(dirname(path), `.${process.pid}-${Math.random().toString(36).slice(2)}.tmp`);
  try {
    const handle = await open(temp, "wx", mode);
    try {
      await handle.writeFile(text);
      await handle.sync();
      // On the handle, not the name: a folder's owner could swap the name for a symlink meanwhile.
      if (owner) await handle.chown(owner.uid, owner.gid);
    } finally {
      await handle.close();
    }
    // open() applies the umask; the mode we mean is exact.
    await chmod(temp, mode);
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}

/** A failed write in the user's words. */
export function writeError(path: string, error: unknown): CliError {
  if (error instanceof CliError) return error;
  const code = errnoOf(error);
  const why =
    code === "EACCES" || code === "EPERM"
      ? "permission denied"
      : code === "ENOSPC"
        ? "the disk is full"
        : code === "EROFS"
          ? "the file system is read-only"
          : code === "ENOTDIR" || code === "EEXIST"
            ? "a part of the path is a file"
            : (error as Error).message;
  return new CliError(
    `cannot write ${path}: ${why}`,
    ExitCode.failure,
    "check the folder's owner, mode and free space",
  );
}
