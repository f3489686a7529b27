// `mcpproxy collector`: receives and stores heartbeats; `collector report` reads what it stored.
import { defineCommand } from "../../args.ts";
import { loadContext } from "../../context.ts";
import { isLoopbackHost, parseListen } from "../../core/listen.ts";
import { usageError } from "../../errors.ts";
import { globalArgs } from "../../global-args.ts";

const HINT = "run `mcpproxy collector --help` for usage";

export default defineCommand({
  meta: {
    name: "collector",
    description: "Receive, validate and store heartbeats in SQLite, with a report page at /",
  },
  args: {
    ...globalArgs,
    listen: {
      type: "string",
      valueHint: "host:port",
      default: "127.0.0.1:8089",
      description: "Address to listen on (port 0 picks one)",
    },
    db: { type: "string", valueHint: "file", description: "The SQLite database file (created when missing)" },
    token: {
      type: "string",
      valueHint: "token",
      description:
        "Require `Authorization: Bearer <token>` on POST /v1/heartbeat (or MCPPROXY_COLLECTOR_TOKEN)",
    },
    "allow-remote": { type: "boolean", description: "Allow an address other machines can reach" },
  },
  subCommands: {
    report: () => import("./report.ts").then((m) => m.default as never),
  },
  async run({ args }) {
    const listen = parseListen(args.listen);
    if (listen === null) {
      throw usageError(`--listen must be host:port (e.g. 127.0.0.1:8089), got "${args.listen}"`, HINT);
    }
    if (!args["allow-remote"] && !isLoopbackHost(listen.host)) {
      throw usageError(
        `--listen ${args.listen} is reachable from other machines`,
        "add --allow-remote to mean it, or listen on 127.0.0.1",
      );
    }
    if (!args.db) throw usageError("--db is required: the SQLite file to store heartbeats in", HINT);
    const { env } = await loadContext(args);
    const token = args.token ?? env.MCPPROXY_COLLECTOR_TOKEN ?? "";
    // Test-only knob: a page limit makes a real "database or disk is full".
    const pages = Number(env.MCPPROXY_TEST_COLLECTOR_MAX_PAGES ?? "") || undefined;
    const { runCollector } = await import("../../collector/run.ts");
    await runCollector({ listen, db: args.db, token: token === "" ? null : token, maxPages: pages });
    // Stopped by a signal after the last commit; the server's handles must not keep the process alive.
    process.exit(0);
  },
});
