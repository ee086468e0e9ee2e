import * as tf from '@tensorflow/tfjs';

/** A tensor has the wrong shape; the message names what was expected. */
export class ShapeError extends Error {
  name = 'ShapeError';
}

/** A value is NaN, infinite, or outside the range an operation accepts. */
export class ValueRangeError extends Error {
  name = 'ValueRangeError';
}

/** `expected` uses null for "any size" on that axis. */
export function assertShape(t: tf.Tensor, expected: (number | null)[], name: string): void {
  const ok = t.rank === expected.length && expected.every((d, i) => d === null || d === t.shape[i]);
  if (!ok) {
    const want = `[${expected.map((d) => (d === null ? 'n' : d)).join(',')}]`;
    throw new ShapeError(`${name} has shape [${t.shape.join(',')}] but ${want} is needed; reshape it (e.g. x.reshape(${want.replace(/n/g, '-1')})).`);
  }
}

/** Throws on the first NaN or infinity, naming where it is. Reads the data: use outside hot loops. */
export function assertFinite(t: tf.Tensor | ArrayLike<number>, name: string): void {
  const data = t instanceof tf.Tensor ? t.dataSync() : t;
  for (let i = 0; i < data.length; i++) {
    if (!Number.isFinite(data[i])) {
      throw new ValueRangeError(`${name} holds ${data[i]} at flat index ${i}; check the input or lower the learning rate / step size that produced it.`);
    }
  }
}
