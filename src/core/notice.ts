// The first-run notice: what a person reads once, on stderr, before the first heartbeat could leave.

export const FIRST_RUN_NOTICE = [
  "mcpproxy: anonymous usage telemetry is on. Once a day it sends counts and settings, never names,",
  "  paths, URLs or keys. What is sent and why: https://mcpproxy.app/telemetry",
  "  See the next heartbeat:  mcpproxy telemetry show-payload",
  "  Turn it off:             mcpproxy telemetry disable   (or set DO_NOT_TRACK=1)",
].join("\n");

/** Print the notice now? Only while telemetry is on and it was never shown; the flag is set either way. */
export function noticeDue(
  noticeShown: boolean | null | undefined,
  telemetryOn: boolean,
): {
  print: boolean;
  save: boolean;
} {
  if (noticeShown === true) return { print: false, save: false };
  return { print: telemetryOn, save: true };
}
