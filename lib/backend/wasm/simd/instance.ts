import { BYTES as EXP } from './exp-bytes';
import { BYTES as SELU_GRAD } from './selu-grad-bytes';

/** The exports of the hand-written SIMD modules (the `.wat` files here), all on tfjs's heap. */
export interface SimdKernels {
  /** dx = dy · selu'(x) for n (a multiple of 4) float32s; byte offsets into tfjs's memory. */
  selu_grad(dy: number, x: number, out: number, n: number): void;
  /** out = eˣ (exp.wat). */
  exp(x: number, out: number, n: number): void;
  /** out = erf(x), tfjs's formula (exp.wat). */
  erf(x: number, out: number, n: number): void;
}

/**
 * Runs a module's loop over n ≥ 4 floats: the whole vectors, then the last four again when n is not a
 * multiple of 4 (they are recomputed to the same values). `run` gets a byte offset and a count.
 */
export function overVectors(n: number, run: (byteOffset: number, count: number) => void): void {
  run(0, n & ~3);
  if (n & 3) run((n - 4) * 4, 4);
}

/**
 * The parts of the WebAssembly API used here. tslab type-checks notebooks without the DOM library,
 * where TypeScript declares WebAssembly's values, so they are reached through globalThis.
 */
interface WasmApi {
  Memory: abstract new (...args: never[]) => { buffer: ArrayBufferLike };
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: unknown };
}
const wasmApi = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

const instances = new WeakMap<object, SimdKernels | null>();

/**
 * The modules instantiated on the memory of tfjs's wasm build (the emscripten module's `asm.memory`),
 * so they read and write tensors in place. Undefined where that memory is not reachable or is shared
 * (the threaded build would need a shared-memory import); callers then keep their JS path.
 */
export function simdKernels(backend: unknown): SimdKernels | undefined {
  const memory = (backend as { wasm?: { asm?: { memory?: unknown } } }).wasm?.asm?.memory;
  if (!(memory instanceof wasmApi.Memory)) return undefined;
  let k = instances.get(memory);
  if (k === undefined) {
    k = null;
    if (!(typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer)) {
      const load = (bytes: string) => new wasmApi.Instance(new wasmApi.Module(Buffer.from(bytes, 'base64')), { tfjs: { memory } }).exports;
      k = Object.assign({}, load(SELU_GRAD), load(EXP)) as SimdKernels;
    }
    instances.set(memory, k);
  }
  return k ?? undefined;
}
