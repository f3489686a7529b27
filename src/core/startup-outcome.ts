// How a `serve` start ended, as the payload reports it, and the exit code that goes with each outcome.
import * as v from "valibot";
import { STARTUP_OUTCOMES, type StartupOutcome } from "./payload-schema.ts";

/** overview.md: 2 port in use, 3 another daemon holds the data dir, 4 config error, 5 permission denied. */
export const OUTCOME_EXIT: Record<StartupOutcome, number> = {
  success: 0,
  other_error: 1,
  port_conflict: 2,
  db_locked: 3,
  config_error: 4,
  permission_error: 5,
};

export function outcomeForExit(code: number): StartupOutcome {
  const found = STARTUP_OUTCOMES.find((o) => OUTCOME_EXIT[o] === code);
  return found ?? "other_error";
}

/** `<dataDir>/daemon-state.json`: the last start's outcome, kept even when the config cannot be written. */
export const DaemonStateSchema = v.object({
  last_startup_outcome: v.picklist(STARTUP_OUTCOMES),
  recorded_at: v.string(),
});
export type DaemonState = v.InferOutput<typeof DaemonStateSchema>;
