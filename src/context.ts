// Builds the Context from the environment, argv and the process; nothing else reads them.
import { isAbsolute, join, resolve } from "node:path";
import type { GlobalArgs } from "./commands/global-args.ts";
import { CliError, usageError } from "./errors.ts";
import { buildVersion, isTerminal, platformNames } from "./runtime.ts";

export type { Env } from "./core/env.ts";

import type { Env } from "./core/env.ts";

export interface Output {
  json: boolean;
  color: boolean;
  verbose: boolean;
}

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
  tty: { stdin: boolean; stdout: boolean; stderr: boolean };
}

/** What cli.ts knows before any command runs: enough to print an error the right way. */
export function outputFrom(args: GlobalArgs, env: Env = process.env, isTTY = isTerminal(1)): Output {
  const format = args.json ? "json" : (args.output ?? "table");
  if (format !== "json" && format !== "table") {
    throw usageError(`unknown output format "${format}"`, "use -o json or -o table");
  }
  const noColorEnv = (env.NO_COLOR ?? "") !== "";
  return {
    json: format === "json",
    color: isTTY && !noColorEnv && args.color !== false,
    verbose: !!args.verbose,
  };
}

function pathFrom(
  flag: string | undefined,
  flagName: string,
  envValue: string | undefined,
): string | undefined {
  if (flag !== undefined) {
    if (flag.trim() === "")
      throw usageError(`--${flagName} needs a path`, `give --${flagName} a path, or leave it out`);
    return flag;
  }
  return envValue && envValue.trim() !== "" ? envValue : undefined;
}

export function loadContext(args: GlobalArgs, env: Env = process.env): Context {
  const out = outputFrom(args, env);
  const dataDirSetting = pathFrom(args["data-dir"], "data-dir", env.MCPPROXY_DATA_DIR);
  const configSetting = pathFrom(args.config, "config", env.MCPPROXY_CONFIG);
  const home = env.HOME || env.USERPROFILE || "";
  if (!dataDirSetting && !home) {
    throw new CliError("cannot find your home folder: HOME is not set", 1, "set HOME, or give --data-dir");
  }
  const dataDir = resolve(dataDirSetting ?? join(home, ".mcpproxy"));
  const configPath = configSetting ? resolve(configSetting) : join(dataDir, "mcp_config.json");
  const { os, arch } = platformNames();
  return {
    env,
    now: () => new Date(),
    newId: () => crypto.randomUUID(),
    home: home && !isAbsolute(home) ? resolve(home) : home,
    dataDir,
    configPath,
    out,
    version: buildVersion(),
    os,
    arch,
    tty: { stdin: isTerminal(0), stdout: isTerminal(1), stderr: isTerminal(2) },
  };
}
