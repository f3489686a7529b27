// What `docker source` shows (and the daemon serves): how the docker CLI was found and whether the engine answers.
import type { DockerCliSource } from "./payload-schema.ts";

export interface DockerSourceInput {
  cli: { source: DockerCliSource; path: string };
  engineAvailable: boolean;
  /** The engine's address as configured (`unix:///var/run/docker.sock`), or undefined when none was found. */
  dockerHost: string | undefined;
}

/** The path is shown on the local terminal only; telemetry carries the source alone. */
export function dockerSourceView({ cli, engineAvailable, dockerHost }: DockerSourceInput) {
  return {
    source: cli.source,
    path: cli.path,
    engine_available: engineAvailable,
    docker_host: dockerHost ?? "",
  };
}

export type DockerSourceView = ReturnType<typeof dockerSourceView>;
