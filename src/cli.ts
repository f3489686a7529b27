#!/usr/bin/env bun
// Entry point: finds the command, hoists global flags, checks flags, runs it, and catches once.
import { type ArgsDef, renderUsage, runCommand } from "citty";
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

/** citty ignores flags it does not know; we refuse them, and stray arguments, with a hint. */
function checkArgs(cmd: AnyCommand, args: ArgsDef, rawArgs: string[], names: string[]): void {
  const flags = flagNames(args);
  const takesPositionals = Object.values(args).some((d) => d.type === "positional");
  const hint = `run \`${names.join(" ")} --help\` for usage`;
  for (let i = 0; i < rawArgs.length; i++) {
    const arg = rawArgs[i] as string;
    if (arg === "--") break;
    if (arg.startsWith("-") && arg !== "-") {
      const name = arg.replace(/^--?/, "").split("=")[0] as string;
      const kind = flags.get(name);
      if (!kind) throw usageError(`unknown flag "${arg.split("=")[0]}" for "${names.join(" ")}"`, hint);
      if (kind === "value" && !arg.includes("=")) {
        const value = rawArgs[i + 1];
        if (value === undefined) throw usageError(`flag "${arg}" needs a value`, hint);
        i++;
      }
    } else if (!takesPositionals && cmd.run) {
      throw usageError(`unexpected argument "${arg}" for "${names.join(" ")}"`, hint);
    }
  }
}

async function usageOf(resolved: Resolved): Promise<string> {
  const cmd = resolved.path[resolved.path.length - 1] as AnyCommand;
  const parent = resolved.path.length > 1 ? resolved.path[resolved.path.length - 2] : undefined;
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
    checkArgs(cmd, await resolveValue<ArgsDef>(cmd.args ?? {}), resolved.rawArgs, resolved.names);
    await runCommand(cmd, { rawArgs: resolved.rawArgs });
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
  if ((error as { name?: string } | null)?.name === "CLIError") {
    console.error(`mcpproxy: ${stripAnsi((error as Error).message)}`);
    console.error("  hint: run `mcpproxy --help` for usage");
    return ExitCode.failure;
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
