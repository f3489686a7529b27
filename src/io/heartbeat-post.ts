// POSTs one heartbeat body to a URL the gates chose: bounded attempts, no redirects, one outcome value.
import { type FetchContext, ofetch } from "ofetch";
import type { Env } from "../core/env.ts";
import { proxyFor } from "../core/proxy-env.ts";
import { parseRetryAfter, retryDelayMs } from "../core/retry-delay.ts";
import { fetchProxy } from "../runtime.ts";

export type PostFailure = "http" | "network" | "timeout" | "tls" | "refused" | "redirect";

export type PostOutcome =
  | { ok: true; status: number; attempts: number }
  | { ok: false; kind: PostFailure; status?: number; message: string; attempts: number };

export interface PostRequest {
  url: string;
  /** Sent byte for byte: the caller can hash exactly what left. */
  body: string;
  version: string;
  /** Where HTTP_PROXY, HTTPS_PROXY and NO_PROXY are read from; this module never reads the process. */
  env: Env;
  timeoutMs?: number;
  retries?: number;
  backoffMs?: number;
  maxRetryAfterMs?: number;
}

const DEFAULTS = { timeoutMs: 10_000, retries: 2, backoffMs: 1_000, maxRetryAfterMs: 60_000 };
// ofetch's own list has 409 and 425 but not 501 or 505; the spec says 408, 429 and every 5xx.
const RETRY_STATUS = [408, 429, ...Array.from({ length: 100 }, (_, i) => 500 + i)];

interface Cause {
  name?: string;
  code?: unknown;
  message?: string;
  cause?: unknown;
}

/** The error and its causes, outermost first (Deno nests the detail one level down). */
function causes(error: unknown): Cause[] {
  const chain: Cause[] = [];
  for (
    let e = error as Cause | undefined;
    e && typeof e === "object" && chain.length < 5;
    e = e.cause as Cause
  )
    chain.push(e);
  return chain;
}

// Deno wraps the cause in "error sending request for url (…): client error (Connect): ": the URL is known.
const DENO_PREFIX = /^error sending request for url \(.*?\): (?:client error \(\w+\): )?/;
const firstLine = (text: string) =>
  (text.split(/\r?\n/)[0] ?? "").replace(DENO_PREFIX, "").trim().slice(0, 200);

// Bun names the fault in `code`; Deno only in the message, whose URL prefix is stripped (a host may say "tls").
const TLS = {
  code: /CERT|SSL|TLS|SELF_SIGNED|UNABLE_TO_VERIFY|ALTNAME/,
  text: /certificate|\bssl\b|\btls\b/i,
};
const REFUSED = { code: /^(?:ECONNREFUSED|ConnectionRefused)$/, text: /connection refused/i };

function says(error: unknown, fault: { code: RegExp; text: RegExp }): boolean {
  return causes(error).some((c) => {
    if (c.name === "FetchError") return false; // ofetch's wrapper repeats the URL
    return typeof c.code === "string" ? fault.code.test(c.code) : fault.text.test(firstLine(c.message ?? ""));
  });
}

type Failure = { kind: PostFailure; status?: number; message: string };

function failure(error: unknown, host: string, timeoutMs: number): Failure {
  const status = (error as { response?: Response }).response?.status;
  if (status) return { kind: "http", status, message: `${host} answered ${status}` };
  const chain = causes(error);
  const detail = firstLine(chain.at(-1)?.message ?? String(error));
  if (chain.some((c) => c.name === "TimeoutError")) {
    return { kind: "timeout", message: `no answer from ${host} within ${timeoutMs / 1000} s` };
  }
  if (says(error, TLS)) {
    const hint = "a TLS-inspecting proxy or a self-signed certificate?";
    return { kind: "tls", message: `the TLS certificate of ${host} is not trusted (${detail}); ${hint}` };
  }
  if (says(error, REFUSED)) {
    return { kind: "refused", message: `${host} refused the connection` };
  }
  return { kind: "network", message: `cannot reach ${host}: ${detail}` };
}

const failed = (f: Failure, attempts: number): PostOutcome => ({
  ok: false,
  ...f,
  message: attempts > 1 ? `${f.message} (${attempts} attempts)` : f.message,
  attempts,
});

/** One POST with up to `retries` more on network errors, timeouts, 408, 429 and 5xx; never throws. */
export async function postHeartbeat(request: PostRequest): Promise<PostOutcome> {
  const { timeoutMs, retries, backoffMs, maxRetryAfterMs } = { ...DEFAULTS, ...definedOnly(request) };
  if (!URL.canParse(request.url)) {
    return failed({ kind: "network", message: `"${request.url}" is not a URL` }, 0);
  }
  const host = new URL(request.url).host;
  let attempts = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const stopTimer = () => clearTimeout(timer);
  let proxy: ReturnType<typeof fetchProxy> | undefined;
  try {
    proxy = fetchProxy(proxyFor(request.url, request.env));
    const response = await ofetch.raw(request.url, {
      ...proxy.init,
      method: "POST",
      body: request.body,
      headers: { "Content-Type": "application/json", "User-Agent": `mcpproxy/${request.version}` },
      redirect: "manual",
      // The answer's body is never read: a slow or odd body cannot hold the send up.
      responseType: "stream",
      retry: retries,
      retryStatusCodes: RETRY_STATUS,
      retryDelay: (ctx: FetchContext) =>
        retryDelayMs({
          retry: attempts,
          retryAfterMs: parseRetryAfter(ctx.response?.headers.get("retry-after"), Date.now()),
          backoffMs,
          maxRetryAfterMs,
        }),
      // A fresh signal for every attempt: ofetch's `timeout` reuses one, so a retry after a timeout aborts at once.
      onRequest(ctx) {
        attempts++;
        stopTimer();
        const controller = new AbortController();
        timer = setTimeout(() => controller.abort(new DOMException("timed out", "TimeoutError")), timeoutMs);
        ctx.options.signal = controller.signal;
      },
      onRequestError(ctx) {
        stopTimer();
        // A certificate does not change between attempts.
        if (says(ctx.error, TLS)) ctx.options.retry = false;
      },
      async onResponse(ctx) {
        stopTimer();
        await ctx.response?.body?.cancel().catch(() => {});
      },
    });
    const status = response.status;
    if (status >= 200 && status < 300) return { ok: true, status, attempts };
    const message = `${host} answered ${status}, a redirect, which is not followed: check the telemetry endpoint`;
    return failed({ kind: "redirect", status, message }, attempts);
  } catch (error) {
    return failed(failure(error, host, timeoutMs), attempts);
  } finally {
    stopTimer();
    proxy?.close();
  }
}

function definedOnly(request: PostRequest): Partial<typeof DEFAULTS> {
  const picked: Partial<typeof DEFAULTS> = {};
  for (const key of Object.keys(DEFAULTS) as (keyof typeof DEFAULTS)[]) {
    const value = request[key];
    if (typeof value === "number") picked[key] = value;
  }
  return picked;
}
