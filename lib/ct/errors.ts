/**
 * Errors thrown by lib/ct. Each message names the bad value and says how to fix it.
 * They are separate classes so callers (and tests) can tell a bad geometry from a bad sinogram.
 */
import { ShapeError, ValueRangeError } from '../tensor/guards';

/** The projection geometry itself is invalid (empty angle set, bad detector count, ...). */
export class CtGeometryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CtGeometryError';
  }
}

/** An image or sinogram does not have the length/count the operator expects. */
export class CtShapeError extends ShapeError {
  constructor(message: string) {
    super(message);
    this.name = 'CtShapeError';
  }
}

/** A value is not usable: NaN/Infinity in data, or an option out of its range. */
export class CtValueError extends ValueRangeError {
  constructor(message: string) {
    super(message);
    this.name = 'CtValueError';
  }
}
