// Reads and writes mcp_config.json: validated reads, and locked, atomic writes that keep what we do not own.
import { chmod, mkdir, open, readFile, realpath, rename, rm, stat } from "node:fs/promises";
import { dirname, join } from "node:path";
import { type Config, validateConfig } from "../core/config-schema.ts";
import { CliError, ExitCode, errnoOf } from "../errors.ts";
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
      const at = locateJsonError(text);
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

export async function loadConfig(path: string): Promise<LoadedConfig> {
  const { text, exists } = await readText(path);
  return { path, exists, config: await parseConfig(path, text, exists) };
}

function writeError(path: string, error: unknown): CliError {
  const code = errnoOf(error);
  const why = code === "EACCES" || code === "EPERM" ? "permission denied" : (error as Error).message;
  return new CliError(`cannot write ${path}: ${why}`, ExitCode.failure, "check the folder's owner and mode");
}

async function writeAtomic(path: string, text: string, mode: number): Promise<void> {
  const temp = join(
    dirname(path),
    `.${Date.now()}-${process.pid}-${Math.random().toString(36).slice(2)}.tmp`,
  );
  try {
    const handle = await open(temp, "wx", mode);
    try {
      await handle.writeFile(text);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await chmod(temp, mode);
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}

/**
 * Read-modify-write under the lock: the file is re-read inside it, `change` decides the edits from
 * that fresh config, and only then is the file replaced. Returns the config as written.
 */
export async function updateConfig(
  path: string,
  change: (config: Config) => Array<{ path: string[]; value: unknown }>,
): Promise<Config> {
  const target = await realpath(path).catch(() => path);
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
      const next = editJsonText(text, edits);
      const mode = exists ? (await stat(target)).mode & 0o7777 : 0o600;
      await writeAtomic(target, next, mode);
      return parseConfig(target, next, true);
    });
  } catch (error) {
    if (error instanceof CliError) throw error;
    throw writeError(target, error);
  }
}
