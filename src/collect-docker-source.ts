// Gathers what `docker source` shows, for the command and the daemon alike.
import type { Context } from "./context.ts";
import { type DockerSourceView, dockerSourceView } from "./core/docker-source-view.ts";
import { resolveDockerCli } from "./io/docker-cli.ts";
import { findDockerEndpoint, pingDockerEngine } from "./io/docker-engine.ts";

export async function collectDockerSource(
  ctx: Pick<Context, "env" | "home" | "platform" | "dataDir">,
): Promise<DockerSourceView> {
  const input = { env: ctx.env, home: ctx.home, platform: ctx.platform, dataDir: ctx.dataDir };
  // The user asked, so a tcp:// DOCKER_HOST is worth a try here (telemetry never tries it).
  const [cli, engineAvailable, endpoint] = await Promise.all([
    resolveDockerCli(input),
    pingDockerEngine(input, { allowTcp: true }),
    findDockerEndpoint(input),
  ]);
  return dockerSourceView({ cli, engineAvailable, dockerHost: endpoint?.label });
}
