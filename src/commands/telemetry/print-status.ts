// How `telemetry status` (and enable/disable after a change) reads on a terminal, or as JSON.
import type { Output } from "../../context.ts";
import { whyOff } from "../../core/optout.ts";
import { printable } from "../../core/printable.ts";
import type { DaemonView, StatusView } from "../../core/status-view.ts";
import { formatTable, paint, printResult } from "../../io/output.ts";

/** `daemon` is shown by `status`, which looks for one; enable and disable do not. */
export async function printStatus(out: Output, view: StatusView, daemon?: DaemonView): Promise<void> {
  await printResult(out, daemon ? { ...view, daemon } : view, () => {
    const why = whyOff({
      disabledBy: view.disabled_by,
      envOverrideName: view.env_override_name,
      policy: view.policy,
    });
    const state = view.enabled ? paint(out, 32, "on") : `${paint(out, 33, "off")}: ${why}`;
    const id = view.anonymous_id
      ? `${view.anonymous_id} (created ${view.anonymous_id_created_at || "unknown"})`
      : "none yet (made with the first payload while telemetry is on)";
    // Every value here comes from the config or a path: escaped, so a config cannot drive the terminal.
    const rows = [
      ["Telemetry", state],
      ["Anonymous id", printable(id)],
      ["Endpoint", printable(view.endpoint)],
      ["Config", printable(view.config_path)],
    ];
    if (daemon) {
      const running = `running at ${printable(daemon.address)} (pid ${daemon.pid})`;
      rows.push(["Daemon", daemon.running ? running : "not running (start it with `mcpproxy serve`)"]);
    }
    rows.push(["What is sent", "mcpproxy telemetry show-payload"]);
    return formatTable(rows);
  });
}
