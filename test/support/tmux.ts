// Drives an interactive shell in a private tmux server: type keys, then wait for the screen to show something.
import { join } from "node:path";

export interface Terminal {
  send(...keys: string[]): Promise<void>;
  /** The screen once `seen` holds for it; throws with the last screen after `ms`. */
  waitFor(seen: (screen: string) => boolean, ms?: number): Promise<string>;
  close(): Promise<void>;
}

async function tmux(socket: string, args: string[]): Promise<string> {
  const proc = Bun.spawn(["tmux", "-S", socket, "-f", "/dev/null", ...args], {
    stdout: "pipe",
    stderr: "pipe",
  });
  const [out, err, code] = await Promise.all([
    new Response(proc.stdout).text(),
    new Response(proc.stderr).text(),
    proc.exited,
  ]);
  if (code !== 0) throw new Error(`tmux ${args[0]} failed: ${err.trim()}`);
  return out;
}

/** `command` runs in a 200×50 window; `dir` holds the server's socket (a short path: sockets have a limit). */
export async function openTerminal(dir: string, command: string[], env: Record<string, string>) {
  const socket = join(dir, "tmux.sock");
  const envArgs = Object.entries(env).map(([k, v]) => `${k}=${v}`);
  await tmux(socket, ["new-session", "-d", "-x", "200", "-y", "50", "env", "-i", ...envArgs, ...command]);
  const terminal: Terminal = {
    send: async (...keys) => {
      await tmux(socket, ["send-keys", "-t", "0", ...keys]);
    },
    async waitFor(seen, ms = 15_000) {
      const deadline = Date.now() + ms;
      let screen = "";
      while (Date.now() < deadline) {
        screen = await tmux(socket, ["capture-pane", "-p", "-t", "0"]);
        if (seen(screen)) return screen;
        await Bun.sleep(50);
      }
      throw new Error(`the screen never showed what was expected; it shows:\n${screen}`);
    },
    close: async () => {
      await tmux(socket, ["kill-server"]).catch(() => {});
    },
  };
  return terminal;
}
