import * as tf from '@tensorflow/tfjs';

/** A tensor has the wrong shape; the message names what was expected. */
export class ShapeError extends Error {
  name = 'ShapeError';
}

/** A value is NaN, infinite, or outside the range an operation accepts. */
export class ValueRangeError extends Error {
  name = 'ValueRangeError';
}

/** An error class a guard throws: the caller's own (e.g. BackpassError) or ValueRangeError. */
export type ErrorClass = new (message: string) => Error;

/** `expected` uses null for "any size" on that axis. */
export function assertShape(t: tf.Tensor, expected: (number | null)[], name: string, Err: ErrorClass = ShapeError): void {
  const ok = t instanceof tf.Tensor && t.rank === expected.length && expected.every((d, i) => d === null || d === t.shape[i]);
  if (!ok) {
    const want = `[${expected.map((d) => (d === null ? 'n' : d)).join(',')}]`;
    const got = t instanceof tf.Tensor ? `shape [${t.shape.join(',')}]` : `no tensor (${typeof t})`;
    throw new Err(`${name} has ${got} but ${want} is needed; reshape it (e.g. x.reshape(${want.replace(/n/g, '-1')})).`);
  }
}

/**
 * Bounds a number or every value of a tensor must keep; all optional. `above`/`below` are strict,
 * `min`/`max` inclusive. Values must always be finite (except where `max: Infinity` says otherwise).
 */
export interface Bounds {
  min?: number;
  max?: number;
  above?: number;
  below?: number;
}

/** "a finite number ≥ 0 and < 1", for messages. */
function describe(b: Bounds, integer: boolean): string {
  const f = (x: number) => String(+x.toPrecision(6)); // −1.7570993408473767 → −1.7571
  const parts = [
    b.min !== undefined ? `≥ ${f(b.min)}` : '', b.above !== undefined ? `> ${f(b.above)}` : '',
    b.max !== undefined && b.max !== Infinity ? `≤ ${f(b.max)}` : '', b.below !== undefined ? `< ${f(b.below)}` : '',
  ].filter(Boolean);
  const kind = integer ? 'a whole number' : b.max === Infinity ? 'a number (Infinity allowed)' : 'a finite number';
  return `${kind}${parts.length ? ` ${parts.join(' and ')}` : ''}`;
}

function within(v: number, b: Bounds): boolean {
  return (Number.isFinite(v) || (v === Infinity && b.max === Infinity))
    && !(b.min !== undefined && v < b.min) && !(b.max !== undefined && v > b.max)
    && !(b.above !== undefined && v <= b.above) && !(b.below !== undefined && v >= b.below);
}

/**
 * An option (a number the caller passes): throws `Err` naming it, its value, the rule and `fix`
 * (what to pass instead, e.g. "the paper uses 100"). NaN, ±∞ and non-numbers always fail.
 */
export function assertNumber(value: unknown, name: string, rule: Bounds & { integer?: boolean }, fix: string, Err: ErrorClass = ValueRangeError): void {
  const integer = rule.integer ?? false;
  if (typeof value !== 'number' || !within(value, rule) || (integer && !Number.isInteger(value))) {
    throw new Err(`${name} = ${typeof value === 'string' ? `'${value}'` : String(value)} must be ${describe(rule, integer)}; ${fix}`);
  }
}

/**
 * Every value of a tensor (or array) finite and within `bounds`: throws `Err` naming the first bad
 * value, its flat index and `fix`. Reads the data once and returns it, so a caller that needs the
 * values too does not read them again. Use on a call's inputs, never once per step of a loop.
 */
export function assertValues(t: tf.Tensor | ArrayLike<number>, name: string, bounds: Bounds, fix: string, Err: ErrorClass = ValueRangeError): ArrayLike<number> {
  const data = t instanceof tf.Tensor ? t.dataSync() : t;
  for (let i = 0; i < data.length; i++) {
    if (!within(data[i], bounds)) {
      throw new Err(`${name} holds ${data[i]} at flat index ${i}; every value must be ${describe(bounds, false)}. ${fix}`);
    }
  }
  return data;
}

/** Throws on the first NaN or infinity, naming where it is. Reads the data: use outside hot loops. */
export function assertFinite(t: tf.Tensor | ArrayLike<number>, name: string, fix = 'Check the input, or lower the learning rate / step size that produced it.'): void {
  assertValues(t, name, {}, fix);
}
