// Reads mcp_config.json (config-read.ts), validated; writes go through config-write.ts, loaded only by a command
// that writes, so a read-only start-up never loads node:fs (see runtime.ts).
import { type Config, validateConfig } from "../core/config-schema.ts";
import { CliError, ExitCode } from "../errors.ts";
import { type ConfigText, readConfig } from "./config-read.ts";

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

export async function loadConfig(path: string): Promise<LoadedConfig> {
  return configFrom(path, await readConfig(path));
}

/** The config in text read by `readConfig` (config-read.ts), checked: a caller may start the read first. */
export async function configFrom(path: string, read: ConfigText): Promise<LoadedConfig> {
  return { path, exists: read.exists, config: await parseConfig(path, read.text, read.exists) };
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
