import { blockLayout, checkBatch, pack, unpack } from './batch';
import { type ParallelGeometry, type ResolvedGeometry, geometryKey, resolveGeometry } from './geometry';
import { type CsrMatrix, csrMultiply, csrRowSums, csrTranspose } from './sparse';

/**
 * Parallel-beam forward operator A as a sparse matrix.
 *
 * Discretisation (the same as skimage.transform.radon): each detector bin is one ray; the ray is
 * sampled at unit steps and the image is read at each sample with bilinear interpolation (zero
 * outside the image), and the samples are summed. So p[a, j] = Σ_k f(c + s·u_a + t_k·d_a) with
 *   s = (j − detectorCenter)·detectorSpacing,  u_a = (cos θ_a, sin θ_a)  (detector direction),
 *   d_a = (sin θ_a, −cos θ_a)  (ray direction),   x = col − centerCol,  y = centerRow − row  (y up),
 * which is also ASTRA's parallel-beam orientation. The samples t_k = k − centerRow (k integer) are
 * spaced 1 apart and reach every pixel. skimage takes a fixed number of samples instead (rows with
 * circle=True, ceil(√2·rows) with circle=False), which on 28×28 misses a few that touch the extreme
 * corners; for images zero there the two agree exactly.
 *
 * Row index of A = a·detectorCount + j (sinogram layout [angle, detector], as ASTRA);
 * column index = row·cols + col (row-major image, as a [28, 28] tensor).
 */
export function buildProjectionMatrix(g: ResolvedGeometry): CsrMatrix {
  const { rows, cols, detectorCount, detectorSpacing, centerRow, centerCol, detectorCenter } = g;
  const nPix = rows * cols;
  const nRows = g.anglesDeg.length * detectorCount;
  // Farthest pixel centre from the axis, plus the bilinear footprint and a margin.
  const reach =
    Math.hypot(Math.max(centerRow, rows - 1 - centerRow), Math.max(centerCol, cols - 1 - centerCol)) + 2;
  const kMin = Math.ceil(centerRow - reach);
  const kMax = Math.floor(centerRow + reach);

  const acc = new Float64Array(nPix);
  const touched = new Int32Array(nPix);
  const rowPtr = new Int32Array(nRows + 1);
  let colIdx = new Int32Array(1 << 16);
  let values = new Float64Array(1 << 16);
  let nnz = 0;

  const add = (r: number, c: number, w: number, state: { n: number }) => {
    if (w === 0 || r < 0 || r >= rows || c < 0 || c >= cols) return;
    const p = r * cols + c;
    if (acc[p] === 0) touched[state.n++] = p;
    acc[p] += w;
  };

  for (let a = 0; a < g.anglesDeg.length; a++) {
    const th = (g.anglesDeg[a] * Math.PI) / 180;
    const co = Math.cos(th);
    const si = Math.sin(th);
    for (let j = 0; j < detectorCount; j++) {
      const s = (j - detectorCenter) * detectorSpacing;
      const state = { n: 0 };
      for (let k = kMin; k <= kMax; k++) {
        const t = k - centerRow;
        const col = centerCol + s * co + t * si;
        const row = centerRow - s * si + t * co;
        if (row <= -1 || row >= rows || col <= -1 || col >= cols) continue;
        const r0 = Math.floor(row);
        const c0 = Math.floor(col);
        const dr = row - r0;
        const dc = col - c0;
        add(r0, c0, (1 - dr) * (1 - dc), state);
        add(r0, c0 + 1, (1 - dr) * dc, state);
        add(r0 + 1, c0, dr * (1 - dc), state);
        add(r0 + 1, c0 + 1, dr * dc, state);
      }
      const ray = touched.subarray(0, state.n).sort();
      if (nnz + ray.length > colIdx.length) {
        const cap = Math.max(colIdx.length * 2, nnz + ray.length);
        const ci = new Int32Array(cap);
        ci.set(colIdx.subarray(0, nnz));
        colIdx = ci;
        const vv = new Float64Array(cap);
        vv.set(values.subarray(0, nnz));
        values = vv;
      }
      for (const p of ray) {
        colIdx[nnz] = p;
        values[nnz] = acc[p];
        nnz++;
        acc[p] = 0;
      }
      rowPtr[a * detectorCount + j + 1] = nnz;
    }
  }
  return { nRows, nCols: nPix, rowPtr, colIdx: colIdx.slice(0, nnz), values: values.slice(0, nnz) };
}

/** A with its transpose and the sums SIRT weights by; built once per geometry. */
export interface ProjectionOperator {
  readonly geometry: ResolvedGeometry;
  /** rows·cols */
  readonly nPixels: number;
  /** anglesDeg.length·detectorCount (sinogram length, layout [angle, detector]). */
  readonly nBins: number;
  readonly A: CsrMatrix;
  readonly AT: CsrMatrix;
  /** A·1 per ray (ray length through the image). */
  readonly rowSums: Float64Array;
  /** Aᵀ·1 per pixel. */
  readonly colSums: Float64Array;
  /** Sinograms (one Float32Array [angle, detector] each) of row-major images. */
  forward(images: readonly Float32Array[]): Float32Array[];
  /** Aᵀ applied to sinograms: the unfiltered, unnormalised backprojection. */
  backproject(sinograms: readonly Float32Array[]): Float32Array[];
}

/** Throws unless `images` fit the operator. */
export function checkImages(op: ProjectionOperator, images: readonly Float32Array[], what = 'images'): void {
  const g = op.geometry;
  checkBatch(images, op.nPixels, what, `a ${g.rows}×${g.cols} image`, `flatten each image row-major to ${op.nPixels} values, or build the operator for the image size`);
}

/** Throws unless `sinograms` fit the operator. */
export function checkSinograms(op: ProjectionOperator, sinograms: readonly Float32Array[], what = 'sinograms'): void {
  const g = op.geometry;
  checkBatch(
    sinograms,
    op.nBins,
    what,
    `this geometry (${g.anglesDeg.length} angles × ${g.detectorCount} detectors, layout [angle, detector])`,
    'reconstruct with the operator of the geometry that produced the sinogram',
  );
}

function makeOperator(geometry: ResolvedGeometry): ProjectionOperator {
  const A = buildProjectionMatrix(geometry);
  const AT = csrTranspose(A);
  const nPixels = A.nCols;
  const nBins = A.nRows;
  const op: ProjectionOperator = {
    geometry,
    nPixels,
    nBins,
    A,
    AT,
    rowSums: csrRowSums(A),
    colSums: csrRowSums(AT),
    forward(images) {
      checkImages(op, images);
      const l = blockLayout(images.length);
      const y = new Float64Array(nBins * l.blocks * l.width);
      csrMultiply(A, pack(images, nPixels, l), y, l.blocks, l.width);
      return unpack(y, nBins, l);
    },
    backproject(sinograms) {
      checkSinograms(op, sinograms);
      const l = blockLayout(sinograms.length);
      const x = new Float64Array(nPixels * l.blocks * l.width);
      csrMultiply(AT, pack(sinograms, nBins, l), x, l.blocks, l.width);
      return unpack(x, nPixels, l);
    },
  };
  return op;
}

// A few geometries per experiment (one per angle count); a small cap keeps memory bounded.
const CACHE_LIMIT = 16;
const cache = new Map<string, ProjectionOperator>();

/** The operator for a geometry, built on first use and then served from an in-memory cache. */
export function projectionOperator(g: ParallelGeometry): ProjectionOperator {
  const resolved = resolveGeometry(g);
  const key = geometryKey(resolved);
  const hit = cache.get(key);
  if (hit) return hit;
  const op = makeOperator(resolved);
  if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value as string);
  cache.set(key, op);
  return op;
}

/** Drop every cached operator (tests, or to free memory after a sweep). */
export function clearOperatorCache(): void {
  cache.clear();
}
