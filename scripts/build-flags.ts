// The compile flags that shape the binary's start-up; the bench builds its hello-world floor with the same ones.
export const buildFlags = [
  "--compile",
  "--minify",
  "--bytecode",
  // One chunk per lazy import: a command loads only its own code (version: ~0.2x of the floor less).
  "--format=esm",
  "--splitting",
  // Stack traces (with --verbose) name src/ files and lines instead of the minified bundle.
  "--sourcemap=linked",
  // Tier-up thresholds ×1000: a command's run-once start-up code stays in the interpreter (−10 % time, −4 MiB
  // on show-payload); servers and `diagnose --file` call useNormalJit() (runtime.ts) before their long work.
  "--compile-jit-policy=1000",
  // A .env or bunfig.toml in the user's working folder must never change what the binary does.
  "--no-compile-autoload-dotenv",
  "--no-compile-autoload-bunfig",
];
