// What a version string may be; its own module so the daemon's state file is checked without the payload schema.

/** `v<semver>` of a release, or `dev` for a source run. */
export const VERSION = /^(?:dev|v\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?)$/;
