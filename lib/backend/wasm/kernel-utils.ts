import * as tf from '@tensorflow/tfjs';

/** The fields every kernelFunc receives; inputs are TensorInfos (Tensors when called by the engine). */
export interface KernelArgs {
  inputs: Record<string, tf.TensorInfo>;
  attrs?: Record<string, unknown>;
  backend: unknown;
}

/** A tensor's values in the wasm heap, as typedArrayFromHeap gives them. */
export type Heap = Float32Array | Int32Array | Uint8Array;

/** The parts of tfjs-backend-wasm's BackendWasm the JS kernels here use. */
export interface WasmBackend {
  readSync(dataId: object): Heap;
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  typedArrayFromHeap(t: tf.TensorInfo): Heap;
  incRef(dataId: object): void;
  /** Drops one reference (force: all); true when the data was freed. */
  disposeData(dataId: object, force?: boolean): boolean;
}

/**
 * A Tensor view of a kernel input. The engine passes Tensors; other kernels may pass bare TensorInfos,
 * which get wrapped (the wrapper is a new tensor in the current scope, so callers tidy).
 */
export function asTensor(info: tf.TensorInfo): tf.Tensor {
  if (info instanceof tf.Tensor) return info;
  // The wrapper shares the data: take a reference so disposing it does not free the caller's buffer.
  (tf.backend() as unknown as { incRef(id: object): void }).incRef(info.dataId);
  return tf.engine().makeTensorFromTensorInfo(info);
}

/**
 * Pad (positive amounts) or crop (negative amounts) the spatial axes 1 and 2 of an NHWC tensor.
 * Conv gradients written as forward convs need exact extents, and those can be on either side of 0.
 */
export function padOrCrop(x: tf.Tensor4D, top: number, bottom: number, left: number, right: number): tf.Tensor4D {
  let t = x;
  const cropTop = Math.max(0, -top);
  const cropBottom = Math.max(0, -bottom);
  const cropLeft = Math.max(0, -left);
  const cropRight = Math.max(0, -right);
  if (cropTop + cropBottom + cropLeft + cropRight > 0) {
    const [n, h, w, c] = t.shape;
    t = tf.slice(t, [0, cropTop, cropLeft, 0], [n, h - cropTop - cropBottom, w - cropLeft - cropRight, c]);
  }
  const pads: [number, number][] = [[0, 0], [Math.max(0, top), Math.max(0, bottom)], [Math.max(0, left), Math.max(0, right)], [0, 0]];
  if (pads[1][0] + pads[1][1] + pads[2][0] + pads[2][1] > 0) t = tf.pad(t, pads);
  return t;
}

/** NCHW kernels are handled by transposing to NHWC and back (tf.layers uses NHWC, so this is rare). */
export function toNhwc(t: tf.Tensor4D, dataFormat: unknown): tf.Tensor4D {
  return dataFormat === 'NCHW' ? tf.transpose(t, [0, 2, 3, 1]) : t;
}
export function fromNhwc(t: tf.Tensor4D, dataFormat: unknown): tf.Tensor4D {
  return dataFormat === 'NCHW' ? tf.transpose(t, [0, 3, 1, 2]) : t;
}
export function shapeToNhwc(shape: number[], dataFormat: unknown): [number, number, number, number] {
  const [a, b, c, d] = shape;
  return dataFormat === 'NCHW' ? [a, c, d, b] : [a, b, c, d];
}

/** Pair form of a stride/dilation attribute. */
export function pair(v: unknown): [number, number] {
  if (typeof v === 'number') return [v, v];
  const a = v as number[];
  return [a[0], a[1]];
}
