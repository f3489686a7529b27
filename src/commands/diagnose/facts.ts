// `diagnose` hints: the flags and the `--server` entry of the config, turned into classifier facts.
import type { ClassifyFacts, Errno, Transport } from "../../core/classify-facts.ts";
import { findServer, serverClassifyFacts } from "../../core/server-facts.ts";
import { CliError, ExitCode, usageError } from "../../errors.ts";
import type { LoadedConfig } from "../../io/config-store.ts";

const HELP_HINT = "run `mcpproxy diagnose --help` for usage";

export interface FactFlags {
  transport?: string;
  "docker-isolated"?: boolean;
  errno?: string;
  "spawn-path"?: string;
  "exit-code"?: string;
  "timed-out"?: boolean;
  "http-status"?: string;
}

/** The hints given as flags; --transport and --errno were checked against their lists by the parser. */
export function factsFromFlags(args: FactFlags): ClassifyFacts {
  const facts: ClassifyFacts = {};
  if (args.transport !== undefined) facts.transport = args.transport as Transport;
  if (args.errno !== undefined) facts.errno = args.errno as Errno;
  const exitCode = args["exit-code"];
  if (exitCode !== undefined) {
    const n = /^\s*[+-]?\d+\s*$/.test(exitCode) ? Number(exitCode) : Number.NaN;
    if (!Number.isSafeInteger(n)) {
      throw usageError(`--exit-code must be an integer, got "${exitCode}"`, HELP_HINT);
    }
    facts.exitCode = n;
  }
  const status = args["http-status"];
  if (status !== undefined) {
    const n = /^\s*\d{3}\s*$/.test(status) ? Number(status) : Number.NaN;
    if (!(n >= 100 && n <= 599)) {
      throw usageError(`--http-status must be an HTTP status from 100 to 599, got "${status}"`, HELP_HINT);
    }
    facts.httpStatus = n;
  }
  if (args["spawn-path"] !== undefined) facts.spawnPath = args["spawn-path"];
  if (args["docker-isolated"] !== undefined) facts.dockerIsolated = args["docker-isolated"];
  if (args["timed-out"] !== undefined) facts.timedOut = args["timed-out"];
  return facts;
}

/** What the config says about the server named by --server; a name it does not list is an error. */
export function factsFromServer(loaded: LoadedConfig, name: string): ClassifyFacts {
  const server = findServer(loaded.config, name);
  if (server) return serverClassifyFacts(loaded.config, server);
  // The names stay on this terminal; listing them saves a trip to the config file.
  const names = (loaded.config.mcpServers ?? []).map((s) => s?.name).filter((n): n is string => !!n);
  const shown = names.length > 10 ? [...names.slice(0, 10), "…"] : names;
  const hint = !loaded.exists
    ? "the file does not exist; give --config the config that lists the server"
    : names.length > 0
      ? `its servers: ${shown.join(", ")}`
      : "it lists no servers";
  throw new CliError(`no server named "${name}" in ${loaded.path}`, ExitCode.failure, hint);
}
