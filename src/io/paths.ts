// Paths for the running platform: ours on POSIX (node:path cost status 0.55 M instructions), node:path on Windows.
import type * as NodePath from "node:path";
import { dirnamePosix, joinPosix, resolvePosix } from "../core/posix-path.ts";
import { CliError, errnoOf } from "../errors.ts";

const nodePath = () => process.getBuiltinModule("node:path") as typeof NodePath;
const windows = process.platform === "win32";

/** The working folder; one deleted or unreadable under us is said plainly (Bun would resolve against its own). */
function workingFolder(): string {
  try {
    return process.cwd();
  } catch (error) {
    const code = errnoOf(error);
    const what = code === "ENOENT" ? "no longer exists" : `cannot be read (${code || "unknown error"})`;
    throw new CliError(
      `the current folder ${what}, so a relative path cannot be resolved`,
      undefined,
      "cd to a folder that exists, or give full paths",
    );
  }
}

export const join = (...parts: string[]): string =>
  windows ? nodePath().join(...parts) : joinPosix(...parts);

export const resolve = (...parts: string[]): string =>
  windows ? nodePath().resolve(...parts) : resolvePosix(workingFolder, ...parts);

export const dirname = (path: string): string => (windows ? nodePath().dirname(path) : dirnamePosix(path));

interface PlatformPaths {
  join(...parts: string[]): string;
  isAbsolute(path: string): boolean;
}
const posixPaths: PlatformPaths = { join: joinPosix, isAbsolute: (path) => path.startsWith("/") };

/** Another platform's paths: the docker CLI search is worked out, and tested, for each on any. */
export const pathsFor = (platform: string): PlatformPaths =>
  platform === "win32" ? nodePath().win32 : posixPaths;
