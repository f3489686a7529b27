// A zip archive of one file, deflated, with fixed times: the same input gives the same bytes.
// Written here (about forty lines over node:zlib) so a release needs no zip program and no extra fields.
import { crc32, deflateRawSync } from "node:zlib";

type Field = [value: number, bytes: 2 | 4];

function fields(list: Field[], extra: Uint8Array[] = []): Uint8Array {
  const size = list.reduce((n, [, bytes]) => n + bytes, 0);
  const out = new Uint8Array(size + extra.reduce((n, e) => n + e.length, 0));
  const view = new DataView(out.buffer);
  let at = 0;
  for (const [value, bytes] of list) {
    if (bytes === 2) view.setUint16(at, value, true);
    else view.setUint32(at, value >>> 0, true);
    at += bytes;
  }
  for (const e of extra) {
    out.set(e, at);
    at += e.length;
  }
  return out;
}

/** `name` holding `data`; `mode` (e.g. 0o755) is kept for unzip on Unix. Sizes must stay under 4 GiB. */
export function zipOne(name: string, data: Uint8Array, mode = 0o644): Uint8Array {
  const fileName = new TextEncoder().encode(name);
  const packed = deflateRawSync(data);
  if (data.length >= 0xffffffff || packed.length >= 0xffffffff)
    throw new Error("too large for a zip without zip64");
  // Needs version 2.0, no flags, deflate, 1980-01-01 00:00, crc, packed and plain sizes.
  const entry: Field[] = [
    [20, 2],
    [0, 2],
    [8, 2],
    [0, 2],
    [0x21, 2],
    [crc32(data), 4],
    [packed.length, 4],
    [data.length, 4],
  ];
  const local = fields([[0x04034b50, 4], ...entry, [fileName.length, 2], [0, 2]], [fileName]);
  // Made by Unix (3) version 2.0: the high half of the external attributes is the file's mode.
  const attributes = ((0o100000 | mode) << 16) >>> 0;
  const central = fields(
    [
      [0x02014b50, 4],
      [0x0314, 2],
      ...entry,
      [fileName.length, 2],
      [0, 2], // extra
      [0, 2], // comment
      [0, 2], // disk
      [0, 2], // internal attributes
      [attributes, 4],
      [0, 4], // the local header's offset
    ],
    [fileName],
  );
  const end = fields([
    [0x06054b50, 4],
    [0, 2],
    [0, 2],
    [1, 2],
    [1, 2],
    [central.length, 4],
    [local.length + packed.length, 4],
    [0, 2],
  ]);
  const out = new Uint8Array(local.length + packed.length + central.length + end.length);
  out.set(local, 0);
  out.set(packed, local.length);
  out.set(central, local.length + packed.length);
  out.set(end, local.length + packed.length + central.length);
  return out;
}
