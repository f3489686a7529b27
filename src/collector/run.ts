// `collector` once its flags are checked: open the store, listen, and on a signal stop, commit, close.
import { type ListenAddress, listenUrl } from "../core/listen.ts";
import { printable } from "../core/printable.ts";
import { CliError, ExitCode } from "../errors.ts";
import { openCollectorDb } from "../io/collector-db.ts";
import { listen } from "../io/http-listen.ts";
import { log } from "../io/log.ts";
import { writeStdout } from "../io/output.ts";
import { useNormalJit } from "../runtime.ts";
import { type CollectorState, collectorHandler } from "./server.ts";
import { batchWriter } from "./writer.ts";

export interface CollectorOptions {
  listen: ListenAddress;
  db: string;
  token: string | null;
  maxPages?: number;
}

// In-flight requests get this long after a signal; then the last commit happens without them.
const DRAIN_MS = 5_000;

const stopSignal = () =>
  new Promise<string>((resolve) => {
    for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => resolve(signal));
  });

function open(options: CollectorOptions) {
  try {
    return openCollectorDb(options.db, { maxPages: options.maxPages });
  } catch (error) {
    throw new CliError(
      `cannot open the database ${options.db}: ${(error as Error).message}`,
      ExitCode.failure,
      "check the folder exists and is writable, and that no other program holds the file",
    );
  }
}

export async function runCollector(options: CollectorOptions): Promise<void> {
  const db = open(options);
  let failing = "";
  const writer = batchWriter(db, (fault) => {
    // One log line when the store starts failing (and which way), one when it recovers.
    const now = fault?.reason ?? "";
    if (now && now !== failing)
      log("error", `cannot store heartbeats (answering ${fault?.status}): ${printable(now)}`);
    if (!now && failing) log("info", "storing heartbeats again");
    failing = now;
  });
  const state: CollectorState = {
    writer,
    report: (fromDay, since) => db.report(fromDay, since),
    token: options.token,
    now: () => new Date(),
    inFlight: 0,
  };
  const stopped = stopSignal();
  const bound = await listen(
    options.listen.host || "0.0.0.0",
    options.listen.port,
    collectorHandler(state),
  ).catch((error: Error & { code?: string }) => {
    db.close();
    throw new CliError(
      `cannot listen on ${listenUrl(options.listen.host || "0.0.0.0", options.listen.port)}: ${error.code ?? error.message}`,
      ExitCode.failure,
      "give --listen 127.0.0.1:0 for a free port",
    );
  });
  await writeStdout(`listening on ${listenUrl(bound.host, bound.port)}\n`);
  useNormalJit();
  log(
    "info",
    `storing heartbeats in ${printable(options.db)}; the report: ${listenUrl(bound.host, bound.port)}/`,
  );
  const signal = await stopped;
  log("info", `${signal}: stopping`);
  // Stop accepting; requests already in flight finish, and their rows are committed before the answer.
  void bound.server.close().catch(() => {});
  const deadline = Date.now() + DRAIN_MS;
  while (state.inFlight > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
  writer.flush();
  await bound.server.close(true).catch(() => {});
  db.close();
  log("info", "stopped");
}
