// The one error type a command throws, and the exit codes the README documents.

export const ExitCode = {
  ok: 0,
  failure: 1,
  portInUse: 2,
  daemonRunning: 3,
  config: 4,
  permission: 5,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

export class CliError extends Error {
  override readonly name = "CliError";
  constructor(
    message: string,
    readonly exitCode: ExitCode = ExitCode.failure,
    readonly hint?: string,
  ) {
    super(message);
  }
}

export function usageError(message: string, hint = "run `mcpproxy --help` for usage"): CliError {
  return new CliError(message, ExitCode.failure, hint);
}

/** The short errno code of a Node-style system error, or "". */
export function errnoOf(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" ? code : "";
}
