import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Load a JSON fixture written by scripts/ct_fixtures.py. */
export function loadFixture<T>(name: string): T {
  return JSON.parse(readFileSync(join(__dirname, 'fixtures', name), 'utf8')) as T;
}

/** max|a − b| / max|b|: the agreement measure used throughout test/ct and lib/ct/README.md. */
export function maxRelDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`lengths differ: ${a.length} vs ${b.length}`);
  let d = 0;
  let m = 0;
  for (let i = 0; i < b.length; i++) {
    d = Math.max(d, Math.abs(a[i] - b[i]));
    m = Math.max(m, Math.abs(b[i]));
  }
  return d / m;
}

/** Seeded uniform [0, 1) images (LCG), so tests are reproducible without lib/tensor. */
export function randomImages(n: number, length: number, seed: number): Float32Array[] {
  let s = seed >>> 0;
  const next = () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
  return Array.from({ length: n }, () => Float32Array.from({ length }, next));
}
