/**
 * Seeded randomness. Same seed, same figure: every random choice in lib (shuffles, noise, init)
 * draws from one of these, never from Math.random.
 */
export interface Rng {
  /** Uniform in [0, 1). */
  uniform(): number;
  /** Standard normal (Box–Muller). */
  normal(): number;
  /** Integer in [0, n). */
  int(n: number): number;
  /** A new seed for a tfjs op that takes one (tf.randomNormal(shape, 0, 1, 'float32', seed)). */
  seed(): number;
  /** Fisher–Yates shuffle in place; returns the array. */
  shuffle<T>(a: T[] | Int32Array | Uint32Array): typeof a;
  /** Float32Array of n normal samples with mean and std. */
  normals(n: number, mean?: number, std?: number): Float32Array;
}

/** mulberry32: tiny, fast and good enough for shuffles and noise. */
export function makeRng(seed: number): Rng {
  let s = (seed >>> 0) ^ 0x9e3779b9;
  const uniform = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  let spare: number | null = null;
  const normal = () => {
    if (spare !== null) {
      const v = spare;
      spare = null;
      return v;
    }
    const u = 1 - uniform();
    const v = uniform();
    const r = Math.sqrt(-2 * Math.log(u));
    spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  };
  const int = (n: number) => Math.floor(uniform() * n);
  return {
    uniform,
    normal,
    int,
    seed: () => int(2 ** 31 - 1),
    shuffle(a) {
      for (let i = a.length - 1; i > 0; i--) {
        const j = int(i + 1);
        const t = a[i];
        a[i] = a[j];
        a[j] = t;
      }
      return a;
    },
    normals(n, mean = 0, std = 1) {
      const out = new Float32Array(n);
      for (let i = 0; i < n; i++) out[i] = mean + std * normal();
      return out;
    },
  };
}
