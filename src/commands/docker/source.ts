// `mcpproxy docker source`: how the docker CLI resolves (path shown locally only) and whether the engine answers.

import * as v from "valibot";
import { defineCommand } from "../../args.ts";
import { type Context, loadContext } from "../../context.ts";
import type { DockerSourceView } from "../../core/docker-source-view.ts";
import { DOCKER_CLI_SOURCES, type DockerCliSource } from "../../core/payload-schema.ts";
import { printable } from "../../core/printable.ts";
import { globalArgs } from "../../global-args.ts";
import { askDaemon } from "../../io/daemon-client.ts";
import { formatTable, printResult } from "../../io/output.ts";
import { daemonFor } from "../find-daemon.ts";

const found: Record<DockerCliSource, string> = {
  path: "found on PATH",
  bundled: "found in a well-known install place",
  login_shell: "found by your login shell",
  absent: "not found",
};

const ViewSchema = v.object({
  source: v.picklist(DOCKER_CLI_SOURCES),
  path: v.string(),
  engine_available: v.boolean(),
  docker_host: v.string(),
});

/** The daemon's view (Docker as the long-running process finds it), or null to look here. */
async function fromDaemon(ctx: Context): Promise<DockerSourceView | null> {
  const daemon = await daemonFor(ctx);
  if (!daemon) return null;
  try {
    const answer = await askDaemon(daemon, "GET", "/api/v1/docker/source", { timeoutMs: 30_000 });
    const doc = answer.status === 200 ? (JSON.parse(answer.text) as unknown) : null;
    return v.is(ViewSchema, doc) ? doc : null;
  } catch {
    return null;
  }
}

export default defineCommand({
  meta: {
    name: "source",
    description: "Show how the docker CLI is found and whether the Docker engine answers",
  },
  args: globalArgs,
  async run({ args }) {
    const ctx = await loadContext(args);
    const view =
      (await fromDaemon(ctx)) ??
      (await (await import("../../collect-docker-source.ts")).collectDockerSource(ctx));
    await printResult(ctx.out, view, () => {
      // Paths come from PATH, DOCKER_HOST and the login shell: escaped before they reach the terminal.
      const cli = view.path ? `${printable(view.path)} (${found[view.source]})` : found[view.source];
      const rows = formatTable([
        ["docker CLI", cli],
        ["source", view.source],
        ["engine", view.engine_available ? "answering" : "not answering"],
        ["docker host", printable(view.docker_host) || "no socket found"],
      ]);
      if (view.source !== "absent") return rows;
      return `${rows}\nhint: install Docker, add its folder to PATH, or list where it lives in MCPPROXY_DOCKER_CANDIDATES`;
    });
  },
});
