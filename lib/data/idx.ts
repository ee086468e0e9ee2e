import { gunzipSync } from 'zlib';

/** The IDX format of the original MNIST files: magic (0x0803 images, 0x0801 labels), dims, bytes. */
export interface Idx {
  dims: number[];
  data: Uint8Array;
}

export class IdxFormatError extends Error {
  name = 'IdxFormatError';
}

/** Parses a gzipped IDX file; every failure is an IdxFormatError naming `file` (never zlib's or DataView's bare text). */
export function parseIdx(gz: Uint8Array, file: string): Idx {
  let raw: Buffer;
  try {
    raw = gunzipSync(gz);
  } catch (e) {
    throw new IdxFormatError(`${file} is not a complete gzip file (${(e as Error).message}; ${gz.length} bytes): it is truncated or damaged.`);
  }
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  if (raw.length < 4) throw new IdxFormatError(`${file}: ${raw.length} bytes after gunzip, too short for an IDX header.`);
  const magic = view.getUint32(0);
  if (magic >>> 8 !== 0x08) throw new IdxFormatError(`${file}: magic ${magic.toString(16)} is not an unsigned-byte IDX file.`);
  const rank = magic & 0xff;
  if (raw.length < 4 + 4 * rank) throw new IdxFormatError(`${file}: ${raw.length} bytes after gunzip, too short for the header of a rank-${rank} IDX file.`);
  const dims = Array.from({ length: rank }, (_, i) => view.getUint32(4 + 4 * i));
  const offset = 4 + 4 * rank;
  const size = dims.reduce((a, b) => a * b, 1);
  if (raw.length !== offset + size) {
    throw new IdxFormatError(`${file}: header says ${size} bytes of data after ${offset}, file has ${raw.length - offset}.`);
  }
  return { dims, data: raw.subarray(offset) };
}
