// Reads and writes mcp_config.json: validated reads, and locked, atomic writes that keep what we do not own.
import { mkdir, readFile, readlink, realpath, stat } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { type Config, validateConfig } from "../core/config-schema.ts";
import { CliError, ExitCode, errnoOf } from "../errors.ts";
import { writeError, writeFileAtomic } from "./atomic-file.ts";
import { withLock } from "./lock.ts";

export interface LoadedConfig {
  path: string;
  exists: boolean;
  config: Config;
}

/** The file's text, or "" when there is none yet. Errors are the user's: exit 4 with the path. */
async function readText(path: string): Promise<{ text: string; exists: boolean }> {
  try {
    return { text: await readFile(path, "utf8"), exists: true };
  } catch (error) {
    const code = errnoOf(error);
    if (code === "ENOENT") return { text: "", exists: false };
    if (code === "EISDIR") {
      throw new CliError(
        `${path} is a folder, not a config file`,
        ExitCode.config,
        "give --config a file path",
      );
    }
    if (code === "EACCES" || code === "EPERM") {
      throw new CliError(
        `cannot read ${path}: permission denied`,
        ExitCode.config,
        "check the file's owner and mode",
      );
    }
    if (code === "ENOTDIR") {
      throw new CliError(`cannot read ${path}: a part of the path is a file`, ExitCode.config);
    }
    throw new CliError(`cannot read ${path}: ${(error as Error).message}`, ExitCode.config);
  }
}

async function parseConfig(path: string, text: string, exists: boolean): Promise<Config> {
  let doc: unknown = {};
  if (exists) {
    try {
      doc = JSON.parse(text);
    } catch {
      const { locateJsonError } = await import("./config-text.ts");
      // The locator recurses; text nested past the stack's depth still gets a clear message.
      const at = (() => {
        try {
          return locateJsonError(text);
        } catch {
          return { line: 1, column: 1, reason: "not valid JSON" };
        }
      })();
      throw new CliError(
        `${path}:${at.line}:${at.column}: invalid JSON: ${at.reason}`,
        ExitCode.config,
        "fix the file by hand (it was left as it is), or move it away to start from defaults",
      );
    }
  }
  const result = validateConfig(doc);
  if (!result.ok) {
    throw new CliError(
      `${path}: ${result.problem}`,
      ExitCode.config,
      "fix the value by hand; the file was left as it is",
    );
  }
  return result.config;
}

/** Where a write must land: through a symlink (even a dangling one) to its target, never over the link. */
async function writeTarget(path: string): Promise<string> {
  const real = await realpath(path).catch(() => null);
  if (real) return real;
  const link = await readlink(path).catch(() => null);
  return link === null ? path : resolve(dirname(path), link);
}

export async function loadConfig(path: string): Promise<LoadedConfig> {
  const { text, exists } = await readText(path);
  return { path, exists, config: await parseConfig(path, text, exists) };
}

/**
 * Read-modify-write under the lock: the file is re-read inside it, `change` decides the edits from
 * that fresh config, and only then is the file replaced. Returns the config as written.
 */
export async function updateConfig(
  path: string,
  change: (config: Config) => Array<{ path: string[]; value: unknown }>,
): Promise<Config> {
  const target = await writeTarget(path);
  try {
    await mkdir(dirname(target), { recursive: true, mode: 0o700 });
  } catch (error) {
    throw writeError(dirname(target), error);
  }
  try {
    return await withLock(target, async () => {
      const { text, exists } = await readText(target);
      const config = await parseConfig(target, text, exists);
      const edits = change(config);
      if (edits.length === 0) return config;
      const { editJsonText } = await import("./config-text.ts");
      let next: string;
      try {
        next = editJsonText(text, edits);
      } catch (error) {
        if (!(error instanceof RangeError)) throw error;
        throw new CliError(`${target}: the JSON is nested too deeply to edit safely`, ExitCode.config);
      }
      const mode = exists ? (await stat(target)).mode & 0o7777 : 0o600;
      await writeFileAtomic(target, next, mode);
      return parseConfig(target, next, true);
    });
  } catch (error) {
    throw writeError(target, error);
  }
}
