// The text of mcp_config.json, before any schema: apart from config-store.ts (valibot) so that a command can start
// the read and load the checking code while Bun's I/O threads read.
import { checkDepth, decodeConfig, MAX_BYTES } from "./config-encoding.ts";
import { quickRead } from "./quick-read.ts";

export interface ConfigText {
  text: string;
  exists: boolean;
}

/** The config's text: a plain file read quickly, else by the careful reader, which names what is wrong. */
export async function readConfig(path: string): Promise<ConfigText> {
  // A path ending in "/" and anything under /dev or /proc (streams, devices) get the careful reader's words.
  if (!path.endsWith("/") && !/^\/(dev|proc)\//.test(path)) {
    const quick = await quickRead(path, MAX_BYTES);
    if (quick === "absent") return { text: "", exists: false };
    if (quick) {
      const text = decodeConfig(path, quick);
      checkDepth(path, text);
      return { text, exists: true };
    }
  }
  const { readConfigFile } = await import("./config-file.ts");
  return readConfigFile(path);
}
