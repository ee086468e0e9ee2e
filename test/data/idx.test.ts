import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { IdxFormatError, parseIdx } from '../../lib/data/idx';

/** An IDX file: magic 0x0000 08 rank, dims, data bytes. */
function idx(dims: number[], data: number[]): Buffer {
  const head = Buffer.alloc(4 + 4 * dims.length);
  head.writeUInt32BE(0x0800 + dims.length, 0);
  dims.forEach((d, i) => head.writeUInt32BE(d, 4 + 4 * i));
  return Buffer.concat([head, Buffer.from(data)]);
}

test('a well-formed IDX file parses to its dims and bytes', () => {
  const r = parseIdx(gzipSync(idx([2, 3], [1, 2, 3, 4, 5, 6])), 'ok.gz');
  assert.deepEqual(r.dims, [2, 3]);
  assert.deepEqual(Array.from(r.data), [1, 2, 3, 4, 5, 6]);
});

test('every malformed file is an IdxFormatError naming the file, never zlib or DataView text', () => {
  const is = (re: RegExp) => (e: Error) => e instanceof IdxFormatError && re.test(e.message);
  const whole = gzipSync(idx([4], [1, 2, 3, 4]));
  assert.throws(() => parseIdx(whole.subarray(0, whole.length - 6), 'cut.gz'), is(/^cut\.gz is not a complete gzip file \(.*\): it is truncated or damaged\.$/));
  assert.throws(() => parseIdx(Buffer.from('not gzip at all'), 'text.gz'), is(/^text\.gz is not a complete gzip file/));
  assert.throws(() => parseIdx(gzipSync(Buffer.from([0, 0])), 'tiny.gz'), is(/tiny\.gz: 2 bytes after gunzip, too short for an IDX header/));
  assert.throws(() => parseIdx(gzipSync(idx([4, 4], []).subarray(0, 8)), 'head.gz'), is(/head\.gz: 8 bytes after gunzip, too short for the header of a rank-2 IDX file/));
  assert.throws(() => parseIdx(gzipSync(Buffer.from([0, 0, 0x0d, 1, 0, 0, 0, 1, 0])), 'float.gz'), is(/float\.gz: magic d01 is not an unsigned-byte IDX file/));
  assert.throws(() => parseIdx(gzipSync(idx([5], [1, 2])), 'short.gz'), is(/short\.gz: header says 5 bytes of data after 8, file has 2/));
});
