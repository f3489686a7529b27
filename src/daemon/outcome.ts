// How a start ended: recorded as telemetry.last_startup_outcome (and in the data dir), and the exit code with it.
import type { Context } from "../context.ts";
import type { StartupOutcome } from "../core/payload-schema.ts";
import { OUTCOME_EXIT } from "../core/startup-outcome.ts";
import { CliError, type ExitCode, errnoOf } from "../errors.ts";
import { updateConfig } from "../io/config-store.ts";
import { writeStartupOutcome } from "../io/startup-store.ts";

/** A failed start whose outcome is already recorded; its exit code follows the outcome. */
export class StartFailure extends CliError {}

const PERMISSION = new Set(["EACCES", "EPERM", "EROFS"]);

/** The errno behind an error, also when a store wrapped it in a CliError (its cause). */
export const rootErrno = (error: unknown) =>
  errnoOf(error) || errnoOf((error as { cause?: unknown } | null)?.cause);

/** Best effort: the data dir's state always, the config too unless the fault is in it (it is never rewritten then). */
export async function noteOutcome(ctx: Context, outcome: StartupOutcome, configToo: boolean): Promise<void> {
  await writeStartupOutcome(ctx.dataDir, outcome, ctx.now()).catch(() => {});
  if (!configToo) return;
  await updateConfig(ctx.configPath, (fresh) =>
    fresh.telemetry?.last_startup_outcome === outcome
      ? []
      : [{ path: ["telemetry", "last_startup_outcome"], value: outcome }],
  ).catch(() => {});
}

export async function fail(
  ctx: Context,
  outcome: StartupOutcome,
  message: string,
  hint: string,
  configToo = true,
): Promise<never> {
  await noteOutcome(ctx, outcome, configToo);
  throw new StartFailure(message, OUTCOME_EXIT[outcome] as ExitCode, hint);
}

/** A permission fault is exit 5, anything else exit 1, both in the user's words. */
export async function failWith(ctx: Context, error: unknown, doing: string): Promise<never> {
  if (error instanceof StartFailure) throw error;
  const denied = PERMISSION.has(rootErrno(error));
  const why = error instanceof CliError ? error.message : `${doing}: ${(error as Error).message}`;
  return fail(
    ctx,
    denied ? "permission_error" : "other_error",
    denied && !(error instanceof CliError) ? `${doing}: permission denied` : why,
    denied
      ? "check the owner and mode of the data dir and the config"
      : "run again with --verbose for details",
  );
}
