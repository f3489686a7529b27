// Which proxy a request uses, from the proxy variables of an Env.
import { describe, expect, test } from "bun:test";
import { proxyFor } from "../../src/core/proxy-env.ts";

const P = "http://proxy.example:3128";

describe("proxyFor", () => {
  test.each<[string, string, Record<string, string>, string | null]>([
    ["no variables", "https://t.example.com/heartbeat", {}, null],
    ["HTTPS_PROXY for https", "https://t.example.com/heartbeat", { HTTPS_PROXY: P }, P],
    ["https_proxy (lower case)", "https://t.example.com/", { https_proxy: P }, P],
    ["HTTP_PROXY is not used for https", "https://t.example.com/", { HTTP_PROXY: P }, null],
    ["HTTP_PROXY for http", "http://127.0.0.1:8080/heartbeat", { HTTP_PROXY: P }, P],
    ["HTTPS_PROXY is not used for http", "http://127.0.0.1:8080/", { HTTPS_PROXY: P }, null],
    ["ALL_PROXY as the fallback", "https://t.example.com/", { ALL_PROXY: P }, P],
    ["all_proxy (lower case)", "http://localhost/", { all_proxy: P }, P],
    [
      "the scheme's variable before ALL_PROXY",
      "https://t.example.com/",
      { ALL_PROXY: "http://a:1", HTTPS_PROXY: P },
      P,
    ],
    [
      "upper case wins over lower",
      "https://t.example.com/",
      { HTTPS_PROXY: P, https_proxy: "http://b:2" },
      P,
    ],
    ["an empty upper case falls to lower", "https://t.example.com/", { HTTPS_PROXY: " ", https_proxy: P }, P],
    ["host:port means http://", "https://t.example.com/", { HTTPS_PROXY: "proxy.example:3128" }, P],
    [
      "an https:// proxy is kept",
      "https://t.example.com/",
      { HTTPS_PROXY: "https://p.example:443" },
      "https://p.example:443",
    ],
    ["NO_PROXY names the host", "http://127.0.0.1:9/", { HTTP_PROXY: P, NO_PROXY: "127.0.0.1" }, null],
    ["no_proxy (lower case)", "http://127.0.0.1:9/", { HTTP_PROXY: P, no_proxy: "127.0.0.1" }, null],
    ["NO_PROXY for another host", "http://127.0.0.1:9/", { HTTP_PROXY: P, NO_PROXY: "localhost" }, P],
    ["NO_PROXY does not resolve names", "http://localhost:9/", { HTTP_PROXY: P, NO_PROXY: "127.0.0.1" }, P],
    ["NO_PROXY=*", "https://t.example.com/", { HTTPS_PROXY: P, NO_PROXY: "*" }, null],
    [
      "a domain covers its subdomains",
      "https://t.example.com/",
      { HTTPS_PROXY: P, NO_PROXY: "example.com" },
      null,
    ],
    ["a leading dot too", "https://t.example.com/", { HTTPS_PROXY: P, NO_PROXY: ".example.com" }, null],
    ["and *.", "https://t.example.com/", { HTTPS_PROXY: P, NO_PROXY: "*.example.com" }, null],
    [
      "a suffix that is not a domain",
      "https://t.notexample.com/",
      { HTTPS_PROXY: P, NO_PROXY: "example.com" },
      P,
    ],
    [
      "a list with spaces",
      "https://t.example.com/",
      { HTTPS_PROXY: P, NO_PROXY: "a.test, T.EXAMPLE.COM" },
      null,
    ],
    ["a matching port", "http://127.0.0.1:9/", { HTTP_PROXY: P, NO_PROXY: "127.0.0.1:9" }, null],
    ["another port", "http://127.0.0.1:9/", { HTTP_PROXY: P, NO_PROXY: "127.0.0.1:10" }, P],
    ["the default port", "https://t.example.com/", { HTTPS_PROXY: P, NO_PROXY: "t.example.com:443" }, null],
    ["a CIDR block", "http://127.3.2.1/", { HTTP_PROXY: P, NO_PROXY: "127.0.0.0/8" }, null],
    ["outside the CIDR block", "http://10.0.0.1/", { HTTP_PROXY: P, NO_PROXY: "127.0.0.0/8" }, P],
    ["IPv6 loopback", "http://[::1]:9/", { HTTP_PROXY: P, NO_PROXY: "::1" }, null],
    ["IPv6 in brackets with a port", "http://[::1]:9/", { HTTP_PROXY: P, NO_PROXY: "[::1]:9" }, null],
    ["not a URL", "nope", { HTTP_PROXY: P, HTTPS_PROXY: P }, null],
  ])("%s", (_name, target, env, expected) => {
    expect(proxyFor(target, env)).toBe(expected);
  });
});
