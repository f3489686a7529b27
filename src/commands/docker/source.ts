// `mcpproxy docker source`: how the docker CLI resolves (path shown locally only) and whether the engine answers.
import { defineCommand } from "citty";
import { loadContext } from "../../context.ts";
import { dockerSourceView } from "../../core/docker-source-view.ts";
import type { DockerCliSource } from "../../core/payload-schema.ts";
import { printable } from "../../core/printable.ts";
import { globalArgs } from "../../global-args.ts";
import { resolveDockerCli } from "../../io/docker-cli.ts";
import { findDockerEndpoint, pingDockerEngine } from "../../io/docker-engine.ts";
import { formatTable, printResult } from "../../io/output.ts";

const found: Record<DockerCliSource, string> = {
  path: "found on PATH",
  bundled: "found in a well-known install place",
  login_shell: "found by your login shell",
  absent: "not found",
};

export default defineCommand({
  meta: {
    name: "source",
    description: "Show how the docker CLI is found and whether the Docker engine answers",
  },
  args: globalArgs,
  async run({ args }) {
    const ctx = loadContext(args);
    const input = { env: ctx.env, home: ctx.home, platform: ctx.platform, dataDir: ctx.dataDir };
    // The user asked, so a tcp:// DOCKER_HOST is worth a try here (telemetry never tries it).
    const [cli, engineAvailable, endpoint] = await Promise.all([
      resolveDockerCli(input),
      pingDockerEngine(input, { allowTcp: true }),
      findDockerEndpoint(input),
    ]);
    const view = dockerSourceView({ cli, engineAvailable, dockerHost: endpoint?.label });
    printResult(ctx.out, view, () => {
      // Paths come from PATH, DOCKER_HOST and the login shell: escaped before they reach the terminal.
      const rows = formatTable([
        ["docker CLI", cli.path ? `${printable(cli.path)} (${found[cli.source]})` : found[cli.source]],
        ["source", cli.source],
        ["engine", engineAvailable ? "answering" : "not answering"],
        ["docker host", printable(view.docker_host) || "no socket found"],
      ]);
      if (cli.source !== "absent") return rows;
      return `${rows}\nhint: install Docker, add its folder to PATH, or list where it lives in MCPPROXY_DOCKER_CANDIDATES`;
    });
  },
});
