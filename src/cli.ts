#!/usr/bin/env bun
// Entry point: finds the command, hoists global flags, checks flags, runs it, and catches once.
import type { ArgsDef } from "citty";
import { globalArgs } from "./commands/global-args.ts";
import { type AnyCommand, commands } from "./commands/index.ts";
import { outputFrom } from "./context.ts";
import { CliError, ExitCode, usageError } from "./errors.ts";
import { stripAnsi } from "./io/output.ts";
import { buildVersion, isTerminal } from "./runtime.ts";

const root: AnyCommand = {
  meta: {
    name: "mcpproxy",
    version: buildVersion().replace(/^v/, ""),
    description: "MCPProxy telemetry and diagnostics",
  },
  args: globalArgs,
  subCommands: commands,
};

interface Resolved {
  path: AnyCommand[];
  names: string[];
  rawArgs: string[];
  help: boolean;
}

const resolveValue = async <T>(v: unknown): Promise<T> => (typeof v === "function" ? v() : v) as T;

function flagNames(args: ArgsDef): Map<string, "boolean" | "value"> {
  const names = new Map<string, "boolean" | "value">();
  for (const [name, def] of Object.entries(args)) {
    if (def.type === "positional") continue;
    const kind = def.type === "boolean" ? "boolean" : "value";
    const alias = (def as { alias?: string | string[] }).alias;
    const aliases = alias === undefined ? [] : Array.isArray(alias) ? alias : [alias];
    for (const n of [name, ...aliases]) names.set(n, kind);
    if (kind === "boolean") names.set(`no-${name}`, "boolean");
  }
  return names;
}

/** Walks argv to the command it names; flags may stand anywhere and are passed to that command. */
async function resolveCommand(argv: string[]): Promise<Resolved> {
  const path = [root];
  const names = ["mcpproxy"];
  const rawArgs: string[] = [];
  let help = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    const cmd = path[path.length - 1] as AnyCommand;
    const subCommands = await resolveValue<Record<string, unknown> | undefined>(cmd.subCommands);
    if (arg === "--") {
      rawArgs.push(...argv.slice(i));
      break;
    }
    if (arg === "--help" || arg === "-h") {
      help = true;
      continue;
    }
    if (arg.startsWith("-") && arg !== "-") {
      rawArgs.push(arg);
      const valueFlag = flagNames(globalArgs).get(arg.replace(/^--?/, "")) === "value";
      if (valueFlag && !arg.includes("=") && i + 1 < argv.length) rawArgs.push(argv[++i] as string);
      continue;
    }
    if (subCommands && arg in subCommands) {
      path.push(await resolveValue<AnyCommand>(subCommands[arg]));
      names.push(arg);
      continue;
    }
    if (subCommands) {
      const known = Object.keys(subCommands).join(", ");
      throw usageError(`unknown command "${arg}" for "${names.join(" ")}"`, `available: ${known}`);
    }
    rawArgs.push(arg);
  }
  return { path, names, rawArgs, help };
}

/**
 * Parses a command's flags as citty would, but refuses unknown flags and stray arguments (citty
 * ignores them). We do not call citty's runCommand: its parser loads node:util, ~4 MiB at start-up.
 */
function parseCommandArgs(cmd: AnyCommand, defs: ArgsDef, rawArgs: string[], names: string[]) {
  const flags = flagNames(defs);
  const hint = `run \`${names.join(" ")} --help\` for usage`;
  const args: Record<string, unknown> & { _: string[] } = { _: [] };
  const canonical = new Map<string, string>();
  for (const [name, def] of Object.entries(defs)) {
    if (def.default !== undefined) args[name] = def.default;
    const alias = (def as { alias?: string | string[] }).alias;
    for (const n of [name, ...(alias === undefined ? [] : [alias].flat())]) canonical.set(n, name);
  }
  for (let i = 0; i < rawArgs.length; i++) {
    const arg = rawArgs[i] as string;
    if (arg === "--") {
      args._.push(...rawArgs.slice(i + 1));
      break;
    }
    if (!arg.startsWith("-") || arg === "-") {
      args._.push(arg);
      continue;
    }
    const [flag, inline] = arg.replace(/^--?/, "").split(/=(.*)/s) as [string, string | undefined];
    const kind = flags.get(flag);
    if (!kind) throw usageError(`unknown flag "${arg.split("=")[0]}" for "${names.join(" ")}"`, hint);
    if (kind === "boolean") {
      const negated = !canonical.has(flag) && flag.startsWith("no-");
      const name = canonical.get(negated ? flag.slice(3) : flag) as string;
      args[name] = negated ? false : inline === undefined ? true : inline !== "false";
      continue;
    }
    const value = inline ?? rawArgs[++i];
    if (value === undefined) throw usageError(`flag "${arg}" needs a value`, hint);
    args[canonical.get(flag) as string] = value;
  }
  const positionals = Object.entries(defs).filter(([, d]) => d.type === "positional");
  if (positionals.length === 0 && args._.length > 0 && cmd.run) {
    throw usageError(`unexpected argument "${args._[0]}" for "${names.join(" ")}"`, hint);
  }
  positionals.forEach(([name], index) => {
    if (args._[index] !== undefined) args[name] = args._[index];
  });
  // Commands may read `args["data-dir"]` or `args.dataDir`, as with citty.
  for (const key of Object.keys(args)) {
    const camel = key.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
    if (camel !== key) args[camel] = args[key];
  }
  return args;
}

async function usageOf(resolved: Resolved): Promise<string> {
  const cmd = resolved.path[resolved.path.length - 1] as AnyCommand;
  const parent = resolved.path.length > 1 ? resolved.path[resolved.path.length - 2] : undefined;
  const { renderUsage } = await import("citty");
  return renderUsage(cmd, parent);
}

async function main(argv: string[]): Promise<number> {
  const verbose = argv.includes("--verbose");
  try {
    if (argv.length === 1 && (argv[0] === "--version" || argv[0] === "-v")) {
      console.log(buildVersion());
      return ExitCode.ok;
    }
    const resolved = await resolveCommand(argv);
    const cmd = resolved.path[resolved.path.length - 1] as AnyCommand;
    const color = outputFrom({ color: !argv.includes("--no-color") }, process.env, isTerminal(1)).color;
    if (resolved.help || (!cmd.run && argv.length === 0)) {
      const usage = await usageOf(resolved);
      console.log(color ? usage : stripAnsi(usage));
      return ExitCode.ok;
    }
    if (!cmd.run) {
      const usage = await usageOf(resolved);
      console.error(stripAnsi(usage));
      throw usageError(`missing command for "${resolved.names.join(" ")}"`);
    }
    const defs = await resolveValue<ArgsDef>(cmd.args ?? {});
    const args = parseCommandArgs(cmd, defs, resolved.rawArgs, resolved.names);
    await cmd.run?.({ rawArgs: resolved.rawArgs, args: args as never, cmd });
    return ExitCode.ok;
  } catch (error) {
    return report(error, verbose);
  }
}

function report(error: unknown, verbose: boolean): number {
  if (error instanceof CliError) {
    console.error(`mcpproxy: ${error.message}`);
    if (error.hint) console.error(`  hint: ${error.hint}`);
    if (verbose && error.stack) console.error(error.stack);
    return error.exitCode;
  }
  const message = error instanceof Error ? error.message : String(error);
  console.error(`mcpproxy: internal error: ${message}`);
  if (verbose && error instanceof Error && error.stack) console.error(error.stack);
  else console.error("  hint: run again with --verbose for details, and report it if it persists");
  return ExitCode.failure;
}

main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
