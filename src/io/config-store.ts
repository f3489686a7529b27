// Reads mcp_config.json, validated; writes go through config-write.ts, loaded only by a command that writes,
// so a read-only start-up never loads node:fs (see runtime.ts).
import { type Config, validateConfig } from "../core/config-schema.ts";
import { CliError, ExitCode } from "../errors.ts";
import { checkDepth, decodeConfig, MAX_BYTES } from "./config-encoding.ts";
import { quickRead } from "./quick-read.ts";

export interface LoadedConfig {
  path: string;
  exists: boolean;
  config: Config;
}

export async function parseConfig(path: string, text: string, exists: boolean): Promise<Config> {
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

/** The config's text: a plain file read quickly, else by the careful reader, which names what is wrong. */
async function readConfig(path: string): Promise<{ text: string; exists: boolean }> {
  // A path ending in "/" and anything under /dev or /proc (streams, devices) get the careful reader's words.
  if (!path.endsWith("/") && !/^\/(dev|proc)\//.test(path)) {
    const quick = await quickRead(path, MAX_BYTES);
    if (quick === "absent") return { text: "", exists: false };
    if (quick) {
      const text = decodeConfig(path, quick);
      checkDepth(path, text);
      return { text, exists: true };
    }
  }
  const { readConfigFile } = await import("./config-file.ts");
  return readConfigFile(path);
}

export async function loadConfig(path: string): Promise<LoadedConfig> {
  const { text, exists } = await readConfig(path);
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
  const { updateConfigFile } = await import("./config-write.ts");
  return updateConfigFile(path, change);
}
