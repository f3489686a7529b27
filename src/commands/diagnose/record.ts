// `diagnose --record`: adds codes to the 24-hour counts the heartbeat carries, and says so on stderr.
import type { Context } from "../../context.ts";
import type { DiagnosticCode } from "../../core/codes.ts";
import type { CounterEvent } from "../../core/counters.ts";
import { decideForConfig, whyOff } from "../../core/optout.ts";
import type { LoadedConfig } from "../../io/config-store.ts";
import { recordEvents } from "../../io/counter-store.ts";
import { printNotice } from "../../io/output.ts";

export async function recordCodes(ctx: Context, loaded: LoadedConfig, codes: Map<DiagnosticCode, number>) {
  const decision = decideForConfig(ctx, loaded.config);
  // One shared event object per code: a big log's array holds references, not copies.
  const events = [...codes].flatMap(([code, n]) =>
    Array<CounterEvent>(n).fill({ kind: "diagnostic_code", code }),
  );
  if (!(await recordEvents(ctx, decision.enabled, events))) {
    printNotice(`mcpproxy: nothing recorded: telemetry is off (${whyOff(decision)})`);
  } else if (events.length > 0) {
    const what =
      codes.size === 1 && events.length === 1 ? [...codes.keys()].join("") : `${events.length} codes`;
    printNotice(`mcpproxy: added ${what} to the 24-hour diagnostics counts`);
  }
}
