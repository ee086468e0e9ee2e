/**
 * Time lib/ct: building the operator and 100 SIRT iterations on 28×28 with 64 angles, for one
 * image and for a batch of 100. Run: node --import tsx scripts/ct-speed.ts
 */
import { evenAngles, fullCoverageDetectorCount, projectionOperator, sirt } from '../lib/ct';

function digitLike(seed: number): Float32Array {
  // A smooth seeded blob pattern inside the central 20×20 box (MNIST digits live there).
  const img = new Float32Array(28 * 28);
  let s = seed;
  const rnd = () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32);
  for (let k = 0; k < 6; k++) {
    const r0 = 6 + 16 * rnd();
    const c0 = 6 + 16 * rnd();
    for (let r = 0; r < 28; r++) for (let c = 0; c < 28; c++) img[r * 28 + c] += Math.exp(-((r - r0) ** 2 + (c - c0) ** 2) / 6);
  }
  return img.map((v) => Math.min(1, v));
}

const geometry = { rows: 28, cols: 28, anglesDeg: evenAngles(64), detectorCount: fullCoverageDetectorCount(28, 28) };
let t0 = performance.now();
const op = projectionOperator(geometry);
const build = performance.now() - t0;
console.log(`operator: ${op.nBins}×${op.nPixels}, nnz ${op.A.values.length}, built in ${build.toFixed(1)} ms`);

for (const n of [1, 100]) {
  const truth = Array.from({ length: n }, (_, i) => digitLike(i + 1));
  const sinos = op.forward(truth);
  sirt(op, sinos, { iterations: 2 }); // warm-up (JIT)
  const runs = n === 1 ? 5 : 1;
  const times: number[] = [];
  for (let k = 0; k < runs; k++) {
    t0 = performance.now();
    sirt(op, sinos, { iterations: 100 });
    times.push(performance.now() - t0);
  }
  const best = Math.min(...times);
  console.log(`SIRT 100 it, batch ${n}: ${best.toFixed(1)} ms (${(best / n).toFixed(2)} ms per image; best of ${runs})`);
}
