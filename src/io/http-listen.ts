// Listening for HTTP on loopback with srvx (Bun and Deno alike), for the daemon and the collector.
import { type Server, serve } from "srvx";

/** The path of a request URL without parsing all of it (the hot path answers tens of thousands a second). */
export function pathOf(url: string): string {
  const start = url.indexOf("/", url.indexOf("//") + 2);
  if (start === -1) return "/";
  const query = url.indexOf("?", start);
  return query === -1 ? url.slice(start) : url.slice(start, query);
}

export interface Bound {
  server: Server;
  /** The address it really listens on, with the port the OS picked for port 0. */
  host: string;
  port: number;
}

/** Listens, or throws the runtime's error (its `code` says EADDRINUSE, EACCES …). */
export async function listen(
  host: string,
  port: number,
  fetch: (r: Request) => Promise<Response>,
): Promise<Bound> {
  const server = serve({
    fetch,
    hostname: host,
    port,
    // srvx binds every interface and logs to stdout unless told; signals are ours (flush, then exit).
    silent: true,
    gracefulShutdown: false,
    // A keep-alive connection idle this long is closed (seconds).
    bun: { idleTimeout: 30 },
    // No maxRequestBodySize: under Bun it answers 413 before the handler, so the request would go uncounted.
  });
  await server.ready();
  const url = new URL(server.url ?? `http://${host}:${port}/`);
  return { server, host: url.hostname.replace(/^\[|\]$/g, ""), port: Number(url.port) };
}
