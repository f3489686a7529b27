// The environment as the core sees it: a read-only map, passed in, never read from the process.
export type Env = Readonly<Record<string, string | undefined>>;
