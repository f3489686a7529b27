// `mcpproxy serve`: the loopback daemon. Checks its flags, then hands over to src/daemon until a signal stops it.
import { defineCommand } from "../args.ts";
import { loadContext } from "../context.ts";
import { parseDuration } from "../core/duration.ts";
import { isLoopbackHost, parseListen } from "../core/listen.ts";
import { usageError } from "../errors.ts";
import { globalArgs } from "../global-args.ts";

const HINT = "run `mcpproxy serve --help` for usage";
const RETRY_FLOOR_MS = 5 * 60_000;
const FLUSH_EVERY_MS = 5_000;

function duration(flag: string, text: string, min: number): number {
  const ms = parseDuration(text);
  if (ms === null || ms < min) {
    const shape = min > 0 ? "a duration above zero" : "a duration";
    throw usageError(`--${flag} must be ${shape} such as 30s, 5m, 24h or 1h30m, got "${text}"`, HINT);
  }
  return ms;
}

/** Test-only knobs (never documented for users): a short retry floor and flush period so tests finish fast. */
function testKnob(env: Record<string, string | undefined>, name: string, fallback: number): number {
  const ms = parseDuration(env[name] ?? "");
  return ms !== null && ms >= 10 ? ms : fallback;
}

export default defineCommand({
  meta: {
    name: "serve",
    description: "Run the loopback daemon: the API, the counters and the daily heartbeat",
  },
  args: {
    ...globalArgs,
    listen: {
      type: "string",
      valueHint: "host:port",
      description:
        "Address to listen on (default: the config's listen, else 127.0.0.1:8080; port 0 picks one)",
    },
    "allow-remote": { type: "boolean", description: "Allow an address other machines can reach" },
    "heartbeat-delay": {
      type: "string",
      valueHint: "duration",
      default: "5m",
      description: "Wait before the first heartbeat",
    },
    "heartbeat-interval": {
      type: "string",
      valueHint: "duration",
      default: "24h",
      description: "Time between heartbeats",
    },
  },
  async run({ args }) {
    const listen = args.listen === undefined ? undefined : parseListen(args.listen);
    if (listen === null) {
      throw usageError(`--listen must be host:port (e.g. 127.0.0.1:8080), got "${args.listen}"`, HINT);
    }
    if (listen && !args["allow-remote"] && !isLoopbackHost(listen.host)) {
      throw usageError(
        `--listen ${args.listen} is reachable from other machines`,
        "add --allow-remote to mean it, or listen on 127.0.0.1",
      );
    }
    const delayMs = duration("heartbeat-delay", args["heartbeat-delay"], 0);
    const intervalMs = duration("heartbeat-interval", args["heartbeat-interval"], 1);
    const ctx = await loadContext(args);
    const { runDaemon } = await import("../daemon/start.ts");
    await runDaemon(ctx, {
      listen,
      allowRemote: !!args["allow-remote"],
      timing: {
        delayMs,
        intervalMs,
        retryFloorMs: testKnob(ctx.env, "MCPPROXY_TEST_RETRY_FLOOR", RETRY_FLOOR_MS),
      },
      flushEveryMs: testKnob(ctx.env, "MCPPROXY_TEST_FLUSH_EVERY", FLUSH_EVERY_MS),
    });
    // Stopped by a signal after a clean shutdown; a server's handles must not keep the process alive.
    process.exit(0);
  },
});
