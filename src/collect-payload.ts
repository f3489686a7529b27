// Gathers what a heartbeat needs from this machine and builds it; shared by show-payload, send and the daemon.
import type { Context } from "./context.ts";
import type { Config } from "./core/config-schema.ts";
import { detectEnvMarkers, launchSource } from "./core/environment.ts";
import type { Identity } from "./core/identity.ts";
import { buildPayload, payloadProblem } from "./core/payload.ts";
import type { Payload } from "./core/payload-schema.ts";
import { emptyUsage, type Usage } from "./core/usage.ts";
import { CliError, ExitCode } from "./errors.ts";
import { resolveDockerCliCheap } from "./io/docker-cli.ts";
import { pingDockerEngine } from "./io/docker-engine.ts";
import { pathExists } from "./io/quick-read.ts";
import { runtimeVersion } from "./runtime.ts";

async function inContainer(platform: string): Promise<boolean> {
  if (platform !== "linux") return false;
  const found = await Promise.all(["/.dockerenv", "/run/.containerenv"].map(pathExists));
  return found.includes(true);
}

export interface PayloadParts {
  config: Config;
  identity: Identity | null;
  usage?: Usage;
  uptimeHours?: number;
  startupOutcome?: string | null;
}

export interface MachineFacts {
  docker: Awaited<ReturnType<typeof resolveDockerCliCheap>>;
  available: boolean;
  containerFile: boolean;
}

/** What this machine says about Docker and containers: file checks a caller may start before its own reads. */
export async function machineFacts(ctx: Context): Promise<MachineFacts> {
  const where = { env: ctx.env, home: ctx.home, platform: ctx.platform, dataDir: ctx.dataDir };
  const [docker, available, containerFile] = await Promise.all([
    resolveDockerCliCheap(where),
    pingDockerEngine({ env: ctx.env, home: ctx.home }),
    inContainer(ctx.platform),
  ]);
  return { docker, available, containerFile };
}

export async function collectPayload(
  ctx: Context,
  parts: PayloadParts,
  facts: Promise<MachineFacts> = machineFacts(ctx),
): Promise<Payload> {
  const platform = ctx.platform;
  const { docker, available, containerFile } = await facts;
  const tty = ctx.tty.stdin || ctx.tty.stdout;
  const payload = buildPayload({
    config: parts.config,
    identity: parts.identity,
    version: ctx.version,
    os: ctx.os,
    arch: ctx.arch,
    runtimeVersion: runtimeVersion(),
    now: ctx.now(),
    uptimeHours: parts.uptimeHours ?? 0,
    docker: { available, source: docker.source },
    markers: detectEnvMarkers({ env: ctx.env, platform, tty, containerFile }),
    platform,
    launchSource: launchSource(ctx.env, tty),
    startupOutcome: parts.startupOutcome ?? null,
    usage: parts.usage ?? emptyUsage(),
  });
  const problem = payloadProblem(payload);
  if (problem)
    throw new CliError(
      `the payload failed its own schema check (${problem}); this is a bug`,
      ExitCode.failure,
    );
  return payload;
}
