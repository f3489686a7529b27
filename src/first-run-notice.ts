// Shows the first-run notice once per install (on stderr) and remembers it in the config.
import type { Context } from "./context.ts";
import type { Config } from "./core/config-schema.ts";
import { FIRST_RUN_NOTICE, noticeDue } from "./core/notice.ts";
import { decideForConfig } from "./core/optout.ts";
import { CliError } from "./errors.ts";
import { updateConfig } from "./io/config-store.ts";
import { printNotice } from "./io/output.ts";

/** For `serve` and `telemetry send`: never for show-payload, status or completion. */
export async function showFirstRunNotice(ctx: Context, config: Config): Promise<void> {
  if (!noticeDue(config.telemetry?.notice_shown, decideForConfig(ctx, config).enabled).save) return;
  let printed = false;
  try {
    // Decided again on the config re-read inside the lock, so two processes print it once between them.
    await updateConfig(ctx.configPath, (fresh) => {
      const due = noticeDue(fresh.telemetry?.notice_shown, decideForConfig(ctx, fresh).enabled);
      printed = due.print;
      return due.save ? [{ path: ["telemetry", "notice_shown"], value: true }] : [];
    });
  } catch (error) {
    // A config we cannot write must not stop the command; the notice is shown again next time.
    if (!(error instanceof CliError)) throw error;
    printed = decideForConfig(ctx, config).enabled;
  }
  if (printed) printNotice(FIRST_RUN_NOTICE);
}
