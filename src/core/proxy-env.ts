// Which proxy a request goes through, from HTTP_PROXY, HTTPS_PROXY, ALL_PROXY and NO_PROXY in an Env.
import type { Env } from "./env.ts";

// Upper case wins when both spellings are set, as in Deno and Go (Bun prefers lower case); empty means unset.
function read(env: Env, name: string): string {
  return (env[name] ?? "").trim() || (env[name.toLowerCase()] ?? "").trim();
}

function ipv4(text: string): number | null {
  const parts = text.split(".");
  if (parts.length !== 4 || !parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) < 256)) return null;
  return parts.reduce((n, p) => n * 256 + Number(p), 0);
}

function inCidr(host: string, entry: string): boolean {
  const [base = "", bits = ""] = entry.split("/");
  const address = ipv4(host);
  const network = ipv4(base);
  const size = Number(bits);
  if (address === null || network === null || !/^\d{1,2}$/.test(bits) || size > 32) return false;
  const block = 2 ** (32 - size);
  return Math.floor(address / block) === Math.floor(network / block);
}

/** One NO_PROXY entry: `*`, a host or domain (`example.com`, `.example.com`, `*.example.com`), an IP, a CIDR; `:port` narrows it. */
function bypasses(entry: string, host: string, port: string): boolean {
  if (entry === "*") return true;
  let name = entry;
  const withPort = /^(\[[^\]]*\]|[^:]*):(\d+)$/.exec(entry);
  if (withPort) {
    if (withPort[2] !== port) return false;
    name = withPort[1] ?? "";
  }
  name = name.replace(/^\[(.*)\]$/, "$1");
  if (name.includes("/")) return inCidr(host, name);
  const domain = name.replace(/^\*?\./, "");
  return domain !== "" && (host === domain || host.endsWith(`.${domain}`));
}

/** The proxy URL for `target`, or null to connect directly; only the target's scheme picks the variable. */
export function proxyFor(target: string, env: Env): string | null {
  let url: URL;
  try {
    url = new URL(target);
  } catch {
    return null;
  }
  const scheme = url.protocol === "https:" ? "HTTPS_PROXY" : url.protocol === "http:" ? "HTTP_PROXY" : "";
  if (!scheme) return null;
  const proxy = read(env, scheme) || read(env, "ALL_PROXY");
  if (!proxy) return null;
  const host = url.hostname.toLowerCase().replace(/^\[(.*)\]$/, "$1");
  const port = url.port || (url.protocol === "https:" ? "443" : "80");
  const entries = read(env, "NO_PROXY")
    .split(/[\s,]+/)
    .map((e) => e.trim().toLowerCase())
    .filter(Boolean);
  if (entries.some((entry) => bypasses(entry, host, port))) return null;
  // Both runtimes take `host:port` as an http:// proxy.
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(proxy) ? proxy : `http://${proxy}`;
}
