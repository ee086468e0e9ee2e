import { CtShapeError, CtValueError } from './errors';

/**
 * Checks and layout changes for batches of images or sinograms (one Float32Array each).
 * Inside lib/ct a batch is one Float64Array in the block layout below; callers never see it.
 */

/**
 * Throw unless `items` is a non-empty array of finite Float32Arrays of length `length`.
 * `what` names the thing in messages ('sinograms'); `layout` says what the length means.
 */
export function checkBatch(items: readonly Float32Array[], length: number, what: string, layout: string, fix: string): void {
  if (!Array.isArray(items)) {
    throw new CtShapeError(`${what} is not an array; pass an array with one Float32Array per item, e.g. [x].`);
  }
  if (items.length === 0) {
    throw new CtShapeError(`${what} is an empty array; pass at least one item.`);
  }
  items.forEach((item, b) => {
    if (!(item instanceof Float32Array)) {
      throw new CtShapeError(`${what}[${b}] is ${Object.prototype.toString.call(item)}; pass a Float32Array.`);
    }
    if (item.length !== length) {
      throw new CtShapeError(`${what}[${b}] has ${item.length} values, but ${layout} needs ${length}: ${fix}.`);
    }
    for (let i = 0; i < length; i++) {
      if (!Number.isFinite(item[i])) {
        throw new CtValueError(
          `${what}[${b}][${i}] is ${item[i]}; ${what} must be finite — replace or drop NaN/Infinity entries before reconstructing.`,
        );
      }
    }
  });
}

/**
 * Internal batch layout: items are grouped in blocks of `width` (1 for a single item, else 8,
 * the last block padded with zero items); value i of item b sits at
 *   block·(length·width) + i·width + (b mod width),  block = floor(b / width).
 */
export interface BlockLayout {
  /** Real items. */
  n: number;
  width: 1 | 8;
  blocks: number;
}

export function blockLayout(n: number): BlockLayout {
  const width = n === 1 ? 1 : 8;
  return { n, width, blocks: Math.ceil(n / width) };
}

/** Index of value i of item b. */
export function slot(l: BlockLayout, length: number, b: number, i: number): number {
  const blk = Math.floor(b / l.width);
  return blk * length * l.width + i * l.width + (b - blk * l.width);
}

/** Pack arrays of one length into the block layout (float64). */
export function pack(items: readonly Float32Array[], length: number, l: BlockLayout): Float64Array {
  const out = new Float64Array(l.blocks * l.width * length);
  items.forEach((src, b) => {
    for (let i = 0; i < length; i++) out[slot(l, length, b, i)] = src[i];
  });
  return out;
}

/** Inverse of pack (drops the padding items). */
export function unpack(data: Float64Array, length: number, l: BlockLayout): Float32Array[] {
  const out: Float32Array[] = [];
  for (let b = 0; b < l.n; b++) {
    const dst = new Float32Array(length);
    for (let i = 0; i < length; i++) dst[i] = data[slot(l, length, b, i)];
    out.push(dst);
  }
  return out;
}
