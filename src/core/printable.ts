// Strings from the config or the environment, made safe to print on a terminal.

// C0 controls, DEL and C1 controls: a config must not be able to move the cursor, retitle or clear the terminal.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;

/** The text with every control character written as a `\u001b`-style escape. */
export function printable(text: string): string {
  return text.replace(CONTROL, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}
