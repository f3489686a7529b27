// Reads a request body up to a limit: the Content-Length is checked first and the streamed bytes counted too.
import { MAX_BODY_BYTES } from "../core/api-bodies.ts";

export type BodyRead = { ok: true; text: string } | { ok: false; status: 400 | 408 | 413; error: string };

// A client that trickles its body (slow loris) is cut off after this long.
const BODY_DEADLINE_MS = 10_000;

const tooLarge = (): BodyRead => ({
  ok: false,
  status: 413,
  error: `the body is larger than ${MAX_BODY_BYTES / 1024} KiB`,
});

export async function readBody(request: Request, limit = MAX_BODY_BYTES): Promise<BodyRead> {
  const length = request.headers.get("content-length");
  if (length !== null && (!/^\d+$/.test(length) || Number(length) > limit)) {
    return /^\d+$/.test(length) ? tooLarge() : { ok: false, status: 400, error: "bad Content-Length" };
  }
  if (!request.body) return { ok: true, text: "" };
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<"late">((resolve) => {
    timer = setTimeout(() => resolve("late"), BODY_DEADLINE_MS);
  });
  try {
    for (;;) {
      const next = await Promise.race([reader.read(), deadline]);
      if (next === "late") {
        void reader.cancel().catch(() => {});
        return { ok: false, status: 408, error: "the body did not arrive in time" };
      }
      if (next.done) break;
      size += next.value.byteLength;
      if (size > limit) {
        void reader.cancel().catch(() => {});
        return tooLarge();
      }
      chunks.push(next.value);
    }
  } catch {
    return { ok: false, status: 400, error: "the body could not be read" };
  } finally {
    clearTimeout(timer);
  }
  try {
    return { ok: true, text: new TextDecoder("utf-8", { fatal: true }).decode(Buffer.concat(chunks)) };
  } catch {
    return { ok: false, status: 400, error: "the body is not UTF-8" };
  }
}
