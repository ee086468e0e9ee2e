import { gunzipSync } from 'zlib';

/** The IDX format of the original MNIST files: magic (0x0803 images, 0x0801 labels), dims, bytes. */
export interface Idx {
  dims: number[];
  data: Uint8Array;
}

export class IdxFormatError extends Error {
  name = 'IdxFormatError';
}

export function parseIdx(gz: Uint8Array, file: string): Idx {
  const raw = gunzipSync(gz);
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const magic = view.getUint32(0);
  if (magic >>> 8 !== 0x08) throw new IdxFormatError(`${file}: magic ${magic.toString(16)} is not an unsigned-byte IDX file.`);
  const rank = magic & 0xff;
  const dims = Array.from({ length: rank }, (_, i) => view.getUint32(4 + 4 * i));
  const offset = 4 + 4 * rank;
  const size = dims.reduce((a, b) => a * b, 1);
  if (raw.length !== offset + size) {
    throw new IdxFormatError(`${file}: header says ${size} bytes of data after ${offset}, file has ${raw.length - offset}.`);
  }
  return { dims, data: raw.subarray(offset) };
}
