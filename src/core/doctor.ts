// The health checks `doctor` runs: their names, how a result reads, and the counter events they become.
import type { CounterEvent } from "./counters.ts";
import { parseRfc3339 } from "./identity.ts";

/** Fixed names: they are counted into the payload's `doctor_checks`, so they must never carry data. */
export const DOCTOR_CHECKS = [
  "config_valid",
  "data_dir_writable",
  "no_stale_locks",
  "docker_cli_found",
  "docker_engine_answers",
  "identity_clock_sane",
  "daemon_reachable",
] as const;
export type DoctorCheckName = (typeof DOCTOR_CHECKS)[number];

export interface CheckResult {
  name: DoctorCheckName;
  passed: boolean;
  /** One line for people: what was found. Shown locally, never sent. */
  detail: string;
  /** What to do when it failed. */
  fix?: string;
  /** A failed check that does not matter here (Docker while isolation is off) does not fail the command. */
  required: boolean;
}

export const pass = (name: DoctorCheckName, detail: string, required = true): CheckResult => ({
  name,
  passed: true,
  detail,
  required,
});

export const fail = (name: DoctorCheckName, detail: string, fix: string, required = true): CheckResult => ({
  name,
  passed: false,
  detail,
  fix,
  required,
});

const DAY_MS = 86_400_000;

/** The anonymous id's date against the clock: a date ahead of now means the clock is (or was) wrong. */
export function identityClockCheck(
  telemetry: { anonymous_id?: string | null; anonymous_id_created_at?: string | null } | null | undefined,
  now: Date,
): CheckResult {
  const id = telemetry?.anonymous_id ?? "";
  const createdAt = telemetry?.anonymous_id_created_at ?? "";
  if (id === "") return pass("identity_clock_sane", "no anonymous id yet");
  const created = parseRfc3339(createdAt);
  if (!created) {
    return fail(
      "identity_clock_sane",
      "the anonymous id's date is missing or not an RFC 3339 time",
      "nothing to do: the next heartbeat dates it now",
    );
  }
  const ahead = created.getTime() - now.getTime();
  if (ahead > 0) {
    const days = Math.ceil(ahead / DAY_MS);
    return fail(
      "identity_clock_sane",
      `the anonymous id was made ${days} day${days === 1 ? "" : "s"} after this machine's clock time`,
      "check the system clock and time zone",
    );
  }
  const age = Math.floor(-ahead / DAY_MS);
  return pass("identity_clock_sane", `the anonymous id is ${age} day${age === 1 ? "" : "s"} old`);
}

export function doctorEvents(results: readonly CheckResult[]): CounterEvent[] {
  return results.map((r) => ({ kind: "doctor_check", name: r.name, passed: r.passed }));
}

/** The command fails when a check that matters here failed. */
export function doctorFailed(results: readonly CheckResult[]): boolean {
  return results.some((r) => !r.passed && r.required);
}
