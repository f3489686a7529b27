// Builds the Context from the environment, argv and the process; commands get everything through it.
import type { Env } from "./core/env.ts";
import type { Policy } from "./core/policy.ts";
import { CliError, ExitCode, usageError } from "./errors.ts";
import { type GlobalArgs, outputFrom } from "./global-args.ts";
import type { Output } from "./io/output.ts";
import { join, resolve } from "./io/paths.ts";
import { readMachinePolicy } from "./io/policy-file.ts";
import { buildVersion, isTerminal, platformNames, processEnv } from "./runtime.ts";

export type { Env } from "./core/env.ts";
export type { Output } from "./io/output.ts";

export interface Context {
  env: Env;
  now: () => Date;
  newId: () => string;
  home: string;
  dataDir: string;
  configPath: string;
  out: Output;
  version: string;
  os: string;
  arch: string;
  /** Node-style platform name (`linux`, `darwin`, `win32`), for install places and environment facts. */
  platform: string;
  tty: { stdin: boolean; stdout: boolean; stderr: boolean };
  /** The administrator's policy file as read when the command started; it outranks every other source. */
  policy: Policy;
}

// The runtime turns bytes that are not UTF-8 into U+FFFD (Bun) or refuses to read them (Deno, see runtime.ts):
// such a path names another file than the user's, so it is refused rather than guessed (fail closed).
function checkUtf8(value: string, source: string): void {
  if (!value.includes("\uFFFD")) return;
  const fix = source.startsWith("--") ? `give ${source} a path` : `set ${source} to a path`;
  throw new CliError(
    `${source} holds bytes that are not UTF-8, which this program cannot use as a path`,
    ExitCode.failure,
    `${fix} whose name is UTF-8 (nothing was read or written)`,
  );
}

interface PathSetting {
  value: string;
  source: string;
}

function pathSetting(
  flag: string | undefined,
  flagName: string,
  envName: string,
  env: Env,
): PathSetting | undefined {
  if (flag !== undefined) {
    if (flag.trim() === "") {
      throw usageError(`--${flagName} needs a path`, `give --${flagName} a path, or leave it out`);
    }
    checkUtf8(flag, `--${flagName}`);
    return { value: flag, source: `--${flagName}` };
  }
  const value = env[envName];
  if (value === undefined || value.trim() === "") return undefined;
  checkUtf8(value, envName);
  return { value, source: envName };
}

/** `~` and a leading `~/` mean the home folder; the trailing `/` of a folder path is kept for the store to see. */
function absolutePath(setting: PathSetting, home: string): string {
  const { value, source } = setting;
  const tilde = value === "~" || value.startsWith("~/");
  if (tilde && !home) {
    throw new CliError(`${source} starts with ~ but HOME is not set`, ExitCode.failure, "give a full path");
  }
  const expanded = tilde ? join(home, value.slice(1)) : value;
  const path = resolve(expanded);
  return /[/\\]$/.test(value) && !path.endsWith("/") ? `${path}/` : path;
}

export async function loadContext(args: GlobalArgs, env: Env = processEnv()): Promise<Context> {
  const out = outputFrom(args, env);
  const rawHome = env.HOME || env.USERPROFILE || "";
  checkUtf8(rawHome, env.HOME ? "HOME" : "USERPROFILE");
  const home = rawHome ? resolve(rawHome) : "";
  const dataDirSetting = pathSetting(args["data-dir"], "data-dir", "MCPPROXY_DATA_DIR", env);
  const configSetting = pathSetting(args.config, "config", "MCPPROXY_CONFIG", env);
  if (!dataDirSetting && !home) {
    throw new CliError(
      "cannot find your home folder: HOME is not set",
      ExitCode.failure,
      "set HOME, or give --data-dir",
    );
  }
  const dataDir = dataDirSetting ? absolutePath(dataDirSetting, home) : join(home, ".mcpproxy");
  const configPath = configSetting ? absolutePath(configSetting, home) : join(dataDir, "mcp_config.json");
  const { os, arch } = platformNames();
  return {
    env,
    now: () => new Date(),
    newId: () => crypto.randomUUID(),
    home,
    dataDir: dataDir.length > 1 ? dataDir.replace(/\/$/, "") : dataDir,
    configPath,
    out,
    version: buildVersion(),
    os,
    arch,
    platform: process.platform,
    policy: await readMachinePolicy(env, process.platform),
    tty: {
      get stdin() {
        return isTerminal(0);
      },
      get stdout() {
        return isTerminal(1);
      },
      get stderr() {
        return isTerminal(2);
      },
    },
  };
}
