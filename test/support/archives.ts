// Real compressed logs for the tests that refuse them: gzip and zstd from Bun, a zip from the release script.
import { zipOne } from "../../scripts/release/zip.ts";

const bytes = (text: string) => new TextEncoder().encode(text);

export const gzipped = (text: string): Uint8Array => Bun.gzipSync(bytes(text));

export const zstdCompressed = (text: string): Uint8Array => Bun.zstdCompressSync(bytes(text));

/** A zip archive holding one file, written by the release's own zip writer: `unzip -p` reads the text back. */
export const zipped = (name: string, text: string): Uint8Array => zipOne(name, bytes(text));
