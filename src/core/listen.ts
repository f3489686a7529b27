// The daemon's listen address: `host:port` parsed, loopback told apart, and the URL clients use.

export interface ListenAddress {
  /** Without IPv6 brackets; "" means every interface (Go's `:8080`). */
  host: string;
  port: number;
}

export const DEFAULT_LISTEN = "127.0.0.1:8080";

/** `127.0.0.1:8080`, `localhost:0`, `[::1]:8080`, `:8080`; null when it is none of these. */
export function parseListen(text: string): ListenAddress | null {
  const m = /^(?:\[([0-9A-Fa-f:.]+)\]|([^:[\]\s]*)):(\d{1,5})$/.exec(text.trim());
  if (!m) return null;
  const port = Number(m[3]);
  if (port > 65535) return null;
  const host = m[1] ?? m[2] ?? "";
  if (m[2] !== undefined && m[2] !== "" && !/^[A-Za-z0-9.-]+$/.test(m[2])) return null;
  return { host, port };
}

/** Only these reach the daemon from this machine alone; anything else needs --allow-remote. */
export function isLoopbackHost(host: string): boolean {
  const h = host.toLowerCase();
  if (h === "localhost" || h === "::1" || h === "0:0:0:0:0:0:0:1") return true;
  const m = /^127\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(h);
  return !!m && m.slice(1).every((n) => Number(n) <= 255);
}

/** `http://127.0.0.1:8080`, with brackets around an IPv6 host. */
export function listenUrl(host: string, port: number): string {
  return `http://${host.includes(":") ? `[${host}]` : host}:${port}`;
}
