// Would Docker isolation wrap this server? One rule, for the payload and for `diagnose --server`.
import type { Config, Server } from "./config-schema.ts";

/** The part of a path after the last `/` or `\`, on every system. */
export function baseName(path: string): string {
  return path.slice(Math.max(path.lastIndexOf("/"), path.lastIndexOf("\\")) + 1);
}

export function isDockerCommand(command: string): boolean {
  return baseName(command).toLowerCase().includes("docker");
}

export function wouldIsolate(config: Config, server: Server): boolean {
  if (config.docker_isolation?.enabled !== true) return false;
  // A server without `enabled` is disabled, as in the Go edition.
  if (server.enabled !== true) return false;
  if (server.isolation?.enabled === false) return false;
  const command = server.command ?? "";
  return command.trim() !== "" && !isDockerCommand(command);
}
