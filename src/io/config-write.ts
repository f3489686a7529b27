// Locked, atomic rewrites of mcp_config.json that keep what we do not own: its keys, owner, group and mode.
import { lchown, mkdir, readlink, realpath, stat } from "node:fs/promises";
import type { Config } from "../core/config-schema.ts";
import { CliError, ExitCode, errnoOf } from "../errors.ts";
import { writeError, writeFileAtomic } from "./atomic-file.ts";
import { type ConfigFile, checkConfigPath, readConfigFile } from "./config-file.ts";
import { parseConfig } from "./config-store.ts";
import { withLock } from "./lock.ts";
import { dirname, resolve } from "./paths.ts";

/** Where a write must land: through a symlink (even a dangling one) to its target, never over the link. */
async function writeTarget(path: string): Promise<string> {
  const real = await realpath(path).catch(() => null);
  if (real) return real;
  const link = await readlink(path).catch(() => null);
  return link === null ? path : resolve(dirname(path), link);
}

type Owner = { uid: number; gid: number };

/**
 * The owner and group the new file must have: the old file's, or for a new file written by root,
 * the folder's (so `sudo` over a user's config never locks the user out). A run that cannot give
 * the file back to its owner refuses before anything is written.
 */
async function ownerFor(path: string, old: ConfigFile["stat"]): Promise<Owner | undefined> {
  const euid = process.geteuid?.();
  // No POSIX owners to keep (Windows).
  if (euid === undefined) return undefined;
  if (!old) {
    if (euid !== 0) return undefined;
    const folder = await stat(dirname(path));
    return { uid: folder.uid, gid: folder.gid };
  }
  const groups = [process.getegid?.(), ...(process.getgroups?.() ?? [])];
  if (euid === 0 || (old.uid === euid && groups.includes(old.gid))) return { uid: old.uid, gid: old.gid };
  throw new CliError(
    `cannot write ${path}: it belongs to user ${old.uid} and group ${old.gid}, which a run as user ${euid} cannot keep`,
    ExitCode.failure,
    `run the command as the file's owner (user ${old.uid}) or as root; the file was left as it is`,
  );
}

/** Creates the config's folder (0700); folders that root creates go to the owner of the folder above. */
async function makeFolder(folder: string): Promise<void> {
  const first = await mkdir(folder, { recursive: true, mode: 0o700 });
  if (first === undefined || process.geteuid?.() !== 0) return;
  const created = resolve(first);
  const above = await stat(dirname(created));
  // lchown: a folder swapped for a symlink meanwhile must not hand its target to anyone.
  for (let at = resolve(folder); at.startsWith(created); at = dirname(at)) {
    await lchown(at, above.uid, above.gid);
    if (at === created) break;
  }
}

/** A failed write in the user's words (exit 1), with the path faults that writeError leaves raw. */
function writeFailure(path: string, error: unknown): CliError {
  const why: Record<string, [string, string]> = {
    ENAMETOOLONG: [
      "the path is too long (the .lock beside it needs 5 more bytes)",
      "use a shorter file name (at most 250 bytes)",
    ],
    ELOOP: ["too many symbolic links (a symlink loop)", `fix or remove the loop at ${path}`],
  };
  const known = why[errnoOf(error)];
  if (!known || error instanceof CliError) return writeError(path, error);
  return new CliError(
    `cannot write ${path}: ${known[0]}`,
    ExitCode.failure,
    `${known[1]}; nothing was written`,
  );
}

/** updateConfig's work (see config-store.ts). */
export async function updateConfigFile(
  path: string,
  change: (config: Config) => Array<{ path: string[]; value: unknown }>,
): Promise<Config> {
  // Before the lock: a FIFO, a device or a huge file is refused without leaving a lock behind.
  await checkConfigPath(path);
  const target = await writeTarget(path);
  try {
    await makeFolder(dirname(target));
  } catch (error) {
    throw writeFailure(dirname(target), error);
  }
  try {
    return await withLock(target, async () => {
      const file = await readConfigFile(target);
      const config = await parseConfig(target, file.text, file.exists);
      const edits = change(config);
      if (edits.length === 0) return config;
      const { editJsonText, TooLarge } = await import("./config-text.ts");
      let next: string;
      try {
        next = editJsonText(file.text, edits);
      } catch (error) {
        if (!(error instanceof TooLarge)) throw error;
        throw new CliError(
          `${target}: once written 2-space indented, the file would be over 16 MiB`,
          ExitCode.config,
          "no mcpproxy config is this big: fix the file by hand or move it away; it was left as it is",
        );
      }
      const owner = await ownerFor(target, file.stat);
      await writeFileAtomic(target, next, file.stat?.mode ?? 0o600, owner);
      return parseConfig(target, next, true);
    });
  } catch (error) {
    throw writeFailure(target, error);
  }
}
