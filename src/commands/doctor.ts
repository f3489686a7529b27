// `mcpproxy doctor`: the local health checks, printed, counted into `doctor_checks`, exit 1 when one that matters fails.
import { defineCommand } from "../args.ts";
import { type Context, loadContext } from "../context.ts";
import type { Config } from "../core/config-schema.ts";
import {
  type CheckResult,
  doctorEvents,
  doctorFailed,
  fail,
  identityClockCheck,
  pass,
} from "../core/doctor.ts";
import { decideForConfig } from "../core/optout.ts";
import { printable } from "../core/printable.ts";
import { CliError, ExitCode } from "../errors.ts";
import { globalArgs } from "../global-args.ts";
import { formatTable, type Output, paint, printNotice, printResult } from "../io/output.ts";

async function configCheck(ctx: Context): Promise<{ result: CheckResult; config: Config | null }> {
  const { loadConfig } = await import("../io/config-store.ts");
  try {
    const { config, exists } = await loadConfig(ctx.configPath);
    const servers = (config.mcpServers ?? []).length;
    const detail = exists
      ? `valid, ${servers} server${servers === 1 ? "" : "s"}`
      : "none yet (defaults apply)";
    return { result: pass("config_valid", detail), config };
  } catch (error) {
    if (!(error instanceof CliError)) throw error;
    return {
      result: fail("config_valid", error.message, error.hint ?? "fix the file by hand"),
      config: null,
    };
  }
}

async function dataDirCheck(ctx: Context): Promise<CheckResult> {
  const { probeWritable } = await import("../io/dir-probe.ts");
  const why = await probeWritable(ctx.dataDir);
  return why === ""
    ? pass("data_dir_writable", ctx.dataDir)
    : fail("data_dir_writable", `${ctx.dataDir}: ${why}`, "check the folder's owner, mode and free space");
}

async function staleLockCheck(ctx: Context): Promise<CheckResult> {
  const { findStaleLocks } = await import("../io/lock.ts");
  const { dirname } = await import("../io/paths.ts");
  const stale = await findStaleLocks([...new Set([ctx.dataDir, dirname(ctx.configPath)])]);
  if (stale.length === 0) return pass("no_stale_locks", "no lock left behind by a stopped process");
  return fail(
    "no_stale_locks",
    `left behind: ${stale.join(", ")}`,
    "nothing to do: the next write removes them (or delete them while no mcpproxy runs)",
    false,
  );
}

async function dockerChecks(ctx: Context, config: Config | null): Promise<CheckResult[]> {
  const [{ resolveDockerCli }, { pingDockerEngine }] = await Promise.all([
    import("../io/docker-cli.ts"),
    import("../io/docker-engine.ts"),
  ]);
  const input = { env: ctx.env, home: ctx.home, platform: ctx.platform, dataDir: ctx.dataDir };
  const [cli, engine] = await Promise.all([resolveDockerCli(input), pingDockerEngine(input)]);
  // Docker matters only when isolation is on; elsewhere its absence is reported but fails nothing.
  const required = config?.docker_isolation?.enabled === true;
  return [
    cli.source === "absent"
      ? fail(
          "docker_cli_found",
          "no docker CLI on PATH, in the usual install places, or in your login shell",
          "install Docker, or list where it lives in MCPPROXY_DOCKER_CANDIDATES",
          required,
        )
      : pass("docker_cli_found", `${cli.path} (${cli.source})`, required),
    engine
      ? pass("docker_engine_answers", "the engine answers /_ping", required)
      : fail(
          "docker_engine_answers",
          "the Docker engine does not answer",
          "start Docker (Docker Desktop, colima, or `systemctl start docker`)",
          required,
        ),
  ];
}

function doctorView(out: Output, results: readonly CheckResult[]): string {
  const rows = results.flatMap((r) => {
    const mark = r.passed
      ? paint(out, 32, "pass")
      : paint(out, r.required ? 31 : 33, r.required ? "FAIL" : "warn");
    // Details hold paths and config text: escaped before they reach the terminal.
    const row = [mark, r.name, printable(r.detail)];
    return r.fix ? [row, ["", "", `→ ${printable(r.fix)}`]] : [row];
  });
  return formatTable([["", "CHECK", "RESULT"], ...rows]);
}

export default defineCommand({
  meta: { name: "doctor", description: "Run the local health checks and say what to fix" },
  args: globalArgs,
  async run({ args }) {
    const ctx = await loadContext(args);
    const { result: configResult, config } = await configCheck(ctx);
    const results = [
      configResult,
      await dataDirCheck(ctx),
      await staleLockCheck(ctx),
      ...(await dockerChecks(ctx, config)),
      identityClockCheck(config?.telemetry, ctx.now()),
    ];
    await printResult(ctx.out, { ok: !doctorFailed(results), checks: results }, () =>
      doctorView(ctx.out, results),
    );
    // An unreadable config may hold the user's opt-out: then nothing is recorded (fail closed).
    if (config && decideForConfig(ctx, config).enabled) {
      const { recordEvents } = await import("../io/counter-store.ts");
      await recordEvents(ctx, true, doctorEvents(results)).catch((error) => {
        if (!(error instanceof CliError)) throw error;
        printNotice(`mcpproxy: the results were not counted: ${error.message}`);
      });
    }
    const failed = results.filter((r) => !r.passed && r.required).length;
    if (failed > 0) {
      throw new CliError(
        `${failed} check${failed === 1 ? "" : "s"} failed`,
        ExitCode.failure,
        "see the fixes above",
      );
    }
  },
});
