import * as tf from '@tensorflow/tfjs';
import { asTensor, KernelArgs, WasmBackend } from './kernel-utils';

/**
 * Fast paths for the wasm BatchMatMul and _FusedMatMul (3. is groupedProduct below).
 *
 * 1. transposeA/transposeB go to a naive loop in the wasm build; only the plain product uses XNNPACK.
 *    Every Dense backward pass asks for dy·Wᵀ and xᵀ·dy, so operands are transposed explicitly first.
 * 2. XNNPACK packs the right operand B (the "weights") when it first sees it and caches the packed copy
 *    per tensor; packing costs ~7 ns an element (measured: x[64,784]·W[784,784] takes 3.7 ms with W
 *    cached, 9.3 ms when W is new, as after every optimiser step). When B is new and bigger than A,
 *    C = A·B is computed as Cᵀ = Bᵀ·Aᵀ, so the small operand is packed; the three transposes cost
 *    ~1.3 ns an element. B seen before (inference with fixed weights) takes the direct, cached route.
 * 3. Batches of small products run as one grouped convolution instead of one XNNPACK operator each.
 * 4. A right operand used transposed a third time (dy·Wᵀ with a fixed W: inverting inputs, LM
 *    Jacobians) gets a transposed copy kept beside it until W's data is freed, so XNNPACK packs it
 *    once (measured: [10,784]·Wᵀ[784,784] 0.70 ms by the swapped route → 0.44 ms from the copy).
 */
const PACK = 7; // relative cost of packing an element of the right operand
const MOVE = 1; // relative cost of transposing an element

/**
 * dataIds of right operands seen before. A B used a second time is probably a fixed weight (inference,
 * input optimisation): it then goes the direct route once and stays packed in XNNPACK's cache.
 */
const seen = new WeakSet<object>();
const packed = new WeakSet<object>();

/**
 * How often each right operand was used with transposeB (its own count: training's forward x·W must
 * not count). The copy is made on the third use: a GAN's generator step reuses the discriminator's
 * fresh weights once, an inversion loop reuses a fixed W hundreds of times.
 */
const transposedUses = new WeakMap<object, number>();
/** b.dataId → bᵀ, held by the backend only (no engine tensor), freed with b's data. */
const transposedCopies = new Map<object, tf.TensorInfo>();
const hooked = new WeakSet<object>();

/**
 * bᵀ for a rank-2 b that was a transposed right operand twice before, else null. The copy
 * lives in the wasm heap outside the engine (tf.memory() does not count it) and goes when b's last
 * reference does: the backend's disposeData is wrapped once to free it then.
 */
function transposedCopy(backend: WasmBackend, b: tf.Tensor): tf.TensorInfo | null {
  const hit = transposedCopies.get(b.dataId);
  if (hit) return hit;
  const uses = (transposedUses.get(b.dataId) ?? 0) + 1;
  transposedUses.set(b.dataId, uses);
  if (uses < 3) return null;
  if (!hooked.has(backend)) {
    hooked.add(backend);
    const dispose = backend.disposeData.bind(backend);
    backend.disposeData = (dataId: object, force?: boolean) => {
      const freed = dispose(dataId, force);
      const copy = freed ? transposedCopies.get(dataId) : undefined;
      if (copy) {
        transposedCopies.delete(dataId);
        dispose(copy.dataId, true);
      }
      return freed;
    };
  }
  const [n, k] = b.shape;
  const out = backend.makeOutput([k, n], 'float32');
  const src = backend.typedArrayFromHeap(b);
  const dst = backend.typedArrayFromHeap(out);
  for (let j = 0; j < n; j++) {
    const row = j * k;
    for (let i = 0; i < k; i++) dst[i * n + j] = src[row + i];
  }
  transposedCopies.set(b.dataId, out);
  return out;
}

/** True when b was a right operand before (and records it). */
function reused(b: tf.Tensor): boolean {
  if (seen.has(b.dataId)) return true;
  seen.add(b.dataId);
  return false;
}

function swapLast(t: tf.Tensor): tf.Tensor {
  const perm = t.shape.map((_, i) => i);
  [perm[t.rank - 2], perm[t.rank - 1]] = [perm[t.rank - 1], perm[t.rank - 2]];
  return tf.transpose(t, perm);
}

interface MatMulAttrs { transposeA?: boolean; transposeB?: boolean }

/**
 * Many small products (attention: 192 heads·images of 50×64·64×50): the wasm kernel creates an XNNPACK
 * operator per batch entry (~0.3 ms each). As one grouped convolution they run in a single operator:
 * X = op(A) laid out [1, m, k, batch] (rows as height, the inner axis as width, batch as channels),
 * filter F[0, d, b, j] = op(B)_b[d, j] of shape [1, k, batch, n], and a depthwise conv with channel
 * multiplier n gives out[0, i, 0, b·n + j] = Σ_d op(A)_b[i, d] · op(B)_b[d, j]. ~3–4× faster measured.
 */
function groupedProduct(a: tf.Tensor, b: tf.Tensor, tA: boolean, tB: boolean, batch: number, m: number, k: number, n: number): tf.Tensor {
  const a3 = tf.reshape(a, tA ? [batch, k, m] : [batch, m, k]);
  const b3 = tf.reshape(b, tB ? [batch, n, k] : [batch, k, n]);
  const x = tf.reshape(tf.transpose(a3, tA ? [2, 1, 0] : [1, 2, 0]), [1, m, k, batch]) as tf.Tensor4D;
  const f = tf.reshape(tf.transpose(b3, tB ? [2, 0, 1] : [1, 0, 2]), [1, k, batch, n]) as tf.Tensor4D;
  const y = tf.depthwiseConv2d(x, f, 1, 'valid');
  return tf.reshape(tf.transpose(tf.reshape(y, [m, batch, n]), [1, 0, 2]), [...a.shape.slice(0, -2), m, n]);
}

/**
 * Plain product op(a)·op(b) through the original kernel (called with transposes off), choosing between
 * the direct and the swapped route by the cost model above. Returns a Tensor in the current scope.
 */
function product(original: tf.KernelFunc, args: KernelArgs, a: tf.Tensor, b: tf.Tensor, tA: boolean, tB: boolean, bReused?: boolean): tf.Tensor {
  const m = tA ? a.shape[a.rank - 1] : a.shape[a.rank - 2];
  const k = tA ? a.shape[a.rank - 2] : a.shape[a.rank - 1];
  const n = tB ? b.shape[b.rank - 2] : b.shape[b.rank - 1];
  const batchA = a.size / (m * k);
  const batchB = b.size / (k * n);
  const sameBatch = batchA === batchB && a.rank === b.rank && a.shape.slice(0, -2).every((d, i) => d === b.shape[i]);
  if (batchA > 1 && sameBatch && m * k * n <= 1 << 20) return groupedProduct(a, b, tA, tB, batchA, m, k, n);
  const cachedB = !tB && (packed.has(b.dataId) || (bReused ?? reused(b)));
  const direct = (cachedB ? 0 : PACK * k * n) + (tA ? MOVE * m * k : 0) + (tB ? MOVE * k * n : 0);
  const swapped = PACK * k * m + (tA ? 0 : MOVE * m * k) + (tB ? 0 : MOVE * k * n) + MOVE * m * n;
  const call = (x: tf.Tensor, y: tf.Tensor) => {
    const info = original({
      inputs: { a: x, b: y },
      backend: args.backend,
      attrs: { transposeA: false, transposeB: false },
    } as unknown as Parameters<tf.KernelFunc>[0]) as tf.TensorInfo;
    return tf.engine().makeTensorFromTensorInfo(info);
  };
  if (tB && !tA && b.rank === 2) {
    const bt = transposedCopy(args.backend as WasmBackend, b);
    if (bt) return call(a, bt as tf.Tensor);
  }
  if (direct <= swapped) {
    const x = tA ? swapLast(a) : a;
    const y = tB ? swapLast(b) : b;
    if (!tB) packed.add(b.dataId);
    return call(x, y);
  }
  // Cᵀ = op(B)ᵀ · op(A)ᵀ, where op(B)ᵀ is b itself when transposeB was asked for (and likewise for A).
  const bt = tB ? b : swapLast(b);
  const at = tA ? a : swapLast(a);
  return swapLast(call(bt, at));
}

export function fastBatchMatMul(original: tf.KernelFunc): tf.KernelFunc {
  return ((args: KernelArgs) => {
    const attrs = args.attrs as MatMulAttrs;
    return tf.tidy(() => {
      const a = asTensor(args.inputs.a);
      const b = asTensor(args.inputs.b);
      if (a.dtype !== 'float32' || b.dtype !== 'float32') {
        return tf.engine().makeTensorFromTensorInfo(original(args as unknown as Parameters<tf.KernelFunc>[0]) as tf.TensorInfo);
      }
      return product(original, args, a, b, !!attrs.transposeA, !!attrs.transposeB);
    });
  }) as unknown as tf.KernelFunc;
}

/** Applies what _FusedMatMul fuses, for the routes that compute the plain product first. */
function activate(y: tf.Tensor, activation: string, prelu: tf.Tensor | null, alpha: number | undefined): tf.Tensor {
  switch (activation) {
    case 'linear': return y;
    case 'relu': return tf.relu(y);
    case 'relu6': return tf.relu6(y);
    case 'elu': return tf.elu(y);
    case 'sigmoid': return tf.sigmoid(y);
    case 'leakyrelu': return tf.leakyRelu(y, alpha ?? 0.2);
    case 'prelu': return tf.prelu(y, prelu as tf.Tensor);
    default: throw new Error(`_FusedMatMul: activation '${activation}' is unknown to lib/backend/wasm/batch-matmul.ts`);
  }
}

/**
 * _FusedMatMul: the original fused kernel when B is packed already or cheap to pack (rank 2 only);
 * otherwise the product via the planner above (with the original BatchMatMul), then bias and activation.
 */
export function fastFusedMatMul(originalFused: tf.KernelFunc, originalBatchMatMul: () => tf.KernelFunc): tf.KernelFunc {
  return ((args: KernelArgs) => {
    const attrs = args.attrs as MatMulAttrs & { activation?: string; leakyreluAlpha?: number };
    const a = asTensor(args.inputs.a);
    const b = asTensor(args.inputs.b);
    const tA = !!attrs.transposeA;
    const tB = !!attrs.transposeB;
    const k = tA ? a.shape[a.rank - 2] : a.shape[a.rank - 1];
    const m = tA ? a.shape[a.rank - 1] : a.shape[a.rank - 2];
    const n = tB ? b.shape[b.rank - 2] : b.shape[b.rank - 1];
    // The fused kernel is fastest when B is already packed, or when packing B is cheap anyway.
    const again = packed.has(b.dataId) || reused(b);
    // The wasm _FusedMatMul adds the bias wrongly when there is a batch axis (tfjs 4.22: errors of
    // order 1 for [2, m, k]·[2, k, n] + bias), so batched products always take the composed route.
    const batched = a.size > m * k || b.size > k * n;
    if (!tA && !tB && !batched && (again || n <= m)) {
      packed.add(b.dataId);
      return originalFused(args as unknown as Parameters<tf.KernelFunc>[0]);
    }
    return tf.tidy(() => {
      let y = product(originalBatchMatMul(), args, a, b, tA, tB, again);
      if (args.inputs.bias != null) y = tf.add(y, asTensor(args.inputs.bias));
      const prelu = args.inputs.preluActivationWeights != null ? asTensor(args.inputs.preluActivationWeights) : null;
      return activate(y, attrs.activation ?? 'linear', prelu, attrs.leakyreluAlpha);
    });
  }) as unknown as tf.KernelFunc;
}
