// Runs the real `mcpproxy collector` (source, compiled or Deno) on port 0 with a temp database, for tests.
import { DatabaseSync } from "node:sqlite";
import { cleanEnv, type Runner } from "./cli.ts";

export interface CollectorProcess {
  url: string;
  proc: ReturnType<typeof Bun.spawn>;
  /** stderr so far (the collector's log). */
  log: () => string;
  post: (
    body: string,
    headers?: Record<string, string>,
  ) => Promise<{ status: number; json: Record<string, unknown> }>;
  /** SIGTERM, then its exit code. */
  stop: () => Promise<number>;
}

export async function startCollectorProcess(
  runner: Runner,
  db: string,
  options: { args?: string[]; env?: Record<string, string>; home?: string } = {},
): Promise<CollectorProcess> {
  const proc = Bun.spawn(
    [...runner.command, "collector", "--listen", "127.0.0.1:0", "--db", db, ...(options.args ?? [])],
    {
      env: cleanEnv(options.home ?? "/tmp", options.env),
      stdout: "pipe",
      stderr: "pipe",
    },
  );
  let log = "";
  void (async () => {
    for await (const chunk of proc.stderr as ReadableStream<Uint8Array>)
      log += new TextDecoder().decode(chunk);
  })();
  const reader = (proc.stdout as ReadableStream<Uint8Array>).getReader();
  let out = "";
  while (!out.includes("\n")) {
    const next = await reader.read();
    if (next.done) throw new Error(`the collector did not start: ${out}${log}`);
    out += new TextDecoder().decode(next.value);
  }
  const url = /listening on (\S+)/.exec(out)?.[1];
  if (!url) throw new Error(`unexpected first line: ${out}`);
  return {
    url,
    proc,
    log: () => log,
    async post(body, headers = {}) {
      const response = await fetch(`${url}/v1/heartbeat`, {
        method: "POST",
        body,
        headers: { "content-type": "application/json", ...headers },
      });
      return { status: response.status, json: (await response.json()) as Record<string, unknown> };
    },
    async stop() {
      proc.kill("SIGTERM");
      return proc.exited;
    },
  };
}

/** Rows in a table of a collector database, read directly (WAL: safe beside a running collector). */
export function rowCount(db: string, table = "heartbeats"): number {
  const conn = new DatabaseSync(db, { readOnly: true });
  try {
    return (conn.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number }).n;
  } finally {
    conn.close();
  }
}

export function bodies(db: string, table = "heartbeats"): string[] {
  const conn = new DatabaseSync(db, { readOnly: true });
  try {
    return (conn.prepare(`SELECT body FROM ${table} ORDER BY id`).all() as Array<{ body: string }>).map(
      (r) => r.body,
    );
  } finally {
    conn.close();
  }
}
