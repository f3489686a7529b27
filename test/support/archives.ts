// Real compressed logs for the tests that refuse them: gzip and zstd from Bun, a one-entry zip built here.

const bytes = (text: string) => new TextEncoder().encode(text);

export const gzipped = (text: string): Uint8Array => Bun.gzipSync(bytes(text));

export const zstdCompressed = (text: string): Uint8Array => Bun.zstdCompressSync(bytes(text));

/** A zip archive holding one file, stored (not deflated): `unzip -p` reads the text back. */
export function zipped(name: string, text: string): Uint8Array {
  const data = bytes(text);
  const fileName = bytes(name);
  const crc = Bun.hash.crc32(data);
  // Version 2.0, no flags, stored, modified 1980-01-01 00:00, then the crc and both sizes.
  const entry: Field[] = [
    [20, 2],
    [0, 2],
    [0, 2],
    [0, 2],
    [0x21, 2],
    [crc, 4],
    [data.length, 4],
    [data.length, 4],
  ];
  const local = fields([[0x04034b50, 4], ...entry, [fileName.length, 2], [0, 2]]);
  // Made by version 2.0; no extra, comment, disk or attributes; the local header at offset 0.
  const central = fields([
    [0x02014b50, 4],
    [20, 2],
    ...entry,
    [fileName.length, 2],
    ...Array<Field>(4).fill([0, 2]),
    [0, 4],
    [0, 4],
  ]);
  const centralAt = local.length + fileName.length + data.length;
  const centralSize = central.length + fileName.length;
  // End of the central directory: disk 0, one entry, the directory's size and offset, no comment.
  const end = fields([
    [0x06054b50, 4],
    [0, 2],
    [0, 2],
    [1, 2],
    [1, 2],
    [centralSize, 4],
    [centralAt, 4],
    [0, 2],
  ]);
  return new Uint8Array(Buffer.concat([local, fileName, data, central, fileName, end]));
}

type Field = readonly [value: number, size: 2 | 4];

// Little-endian, as zip stores every number.
function fields(list: readonly Field[]): Uint8Array {
  const view = new DataView(new ArrayBuffer(list.reduce((total, [, size]) => total + size, 0)));
  let at = 0;
  for (const [value, size] of list) {
    if (size === 4) view.setUint32(at, value >>> 0, true);
    else view.setUint16(at, value, true);
    at += size;
  }
  return new Uint8Array(view.buffer);
}
