/** Plotly's ten default colours, one per digit, so every scatter of the lab colours a class alike. */
export const DIGIT_COLORS = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf'];

/**
 * One Plotly marker trace per digit 0–9 over points 0…n−1: `coords` gives x, y (and z) of point i,
 * `labels` its digit. `type` 'scatter3d' with three coords makes a 3-D scatter.
 */
export function digitTraces(coords: ((i: number) => number)[], labels: ArrayLike<number>, n: number, type = 'scatter', size = 5): Record<string, unknown>[] {
  return Array.from({ length: 10 }, (_, d) => {
    const idx = Array.from({ length: n }, (_, i) => i).filter((i) => labels[i] === d);
    const [x, y, z] = coords.map((c) => idx.map(c));
    return { type, mode: 'markers', name: String(d), x, y, ...(z ? { z } : {}), marker: { size, color: DIGIT_COLORS[d] } };
  });
}

/** The Euclidean norm of row i of a row-major [n, dims] array (1 for a zero row, so dividing by it is safe). */
export function rowNorm(z: ArrayLike<number>, i: number, dims: number): number {
  let s = 0;
  for (let k = 0; k < dims; k++) s += z[i * dims + k] ** 2;
  return Math.sqrt(s) || 1;
}
