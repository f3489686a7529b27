// A loopback server laid out like GitHub releases: <base>/download/<tag>/<file> and <base>/latest/download/VERSION.
// Each test makes its own, with one fault: a cut transfer closes every connection, so servers are not shared.
import { join } from "node:path";

export type Fault =
  | "none"
  | "cut" // the archive's connection closes after its first chunk
  | "stall" // the archive sends its first chunk, then nothing
  | "tampered" // the archive's last byte differs from what SHA256SUMS says
  | "no-entry"; // SHA256SUMS lacks the archive's line

export interface ReleaseServer {
  base: string;
  requests: string[];
  /** Resolves once the archive's first chunk has gone out (cut and stall). */
  archiveStarted: Promise<void>;
  stop(): void;
}

const CHUNK = 1 << 20;

/** `releases` maps a tag (v1.2.3) to its folder; `latest` is the tag VERSION names. */
export function serveReleases(releases: Record<string, string>, latest: string, fault: Fault = "none") {
  const requests: string[] = [];
  let started: () => void = () => {};
  const archiveStarted = new Promise<void>((resolve) => {
    started = resolve;
  });

  const partial = (bytes: Uint8Array, then: () => void) =>
    new Response(
      new ReadableStream({
        start(controller) {
          controller.enqueue(bytes.subarray(0, CHUNK));
        },
        // Asked for more: the first chunk went out.
        pull() {
          started();
          then();
          return new Promise(() => {});
        },
      }),
      { headers: { "content-length": String(bytes.length) } },
    );

  const server: Bun.Server<undefined> = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    async fetch(req): Promise<Response> {
      const path = new URL(req.url).pathname;
      requests.push(path);
      if (path === "/latest/download/VERSION") return new Response(`${latest}\n`);
      const match = /^\/download\/([^/]+)\/([^/]+)$/.exec(path);
      const folder = match ? releases[match[1] as string] : undefined;
      const file = folder ? Bun.file(join(folder, match?.[2] as string)) : undefined;
      if (!file || !(await file.exists())) return new Response("not found\n", { status: 404 });
      const name = match?.[2] as string;
      if (name === "SHA256SUMS" && fault === "no-entry") {
        const lines = (await file.text()).split("\n").filter((line) => !line.includes(".tar.gz"));
        return new Response(lines.join("\n"));
      }
      if (!name.endsWith(".tar.gz") || fault === "none") return new Response(file);
      const bytes = await file.bytes();
      if (fault === "tampered") {
        bytes[bytes.length - 1] = (bytes[bytes.length - 1] ?? 0) ^ 0xff;
        return new Response(bytes);
      }
      return partial(bytes, fault === "cut" ? () => server.stop(true) : () => {});
    },
  });
  const release: ReleaseServer = {
    base: `http://127.0.0.1:${server.port}`,
    requests,
    archiveStarted,
    stop: () => server.stop(true),
  };
  return release;
}
