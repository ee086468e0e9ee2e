import { CtGeometryError } from './errors';

/**
 * Where the rotation axis and the detector centre sit.
 * - 'centered' (default): rotation axis at the image's geometric centre ((rows-1)/2, (cols-1)/2)
 *   and detector centre at (detectorCount-1)/2, as in ASTRA's parallel geometry.
 * - 'skimage': rotation axis at pixel index (rows//2, cols//2) and detector centre at index
 *   detectorCount//2, as in skimage.transform.radon (both circle=True and circle=False).
 */
export type CenterConvention = 'centered' | 'skimage';

/** A 2-D parallel-beam geometry. Lengths are in pixel widths. */
export interface ParallelGeometry {
  rows: number;
  cols: number;
  /** Projection angles in degrees, each in [0, 180). */
  anglesDeg: readonly number[];
  detectorCount: number;
  /** Distance between detector centres, in pixel widths (default 1). */
  detectorSpacing?: number;
  convention?: CenterConvention;
}

/** A validated geometry with every default filled in and the centres worked out. */
export interface ResolvedGeometry {
  rows: number;
  cols: number;
  anglesDeg: number[];
  detectorCount: number;
  detectorSpacing: number;
  convention: CenterConvention;
  /** Rotation axis, in (fractional) pixel indices. */
  centerRow: number;
  centerCol: number;
  /** Detector index of the ray through the rotation axis. */
  detectorCenter: number;
}

function positiveInt(v: number, name: string, fix: string): void {
  if (!Number.isInteger(v) || v <= 0) {
    throw new CtGeometryError(`${name} is ${v}; it must be a positive integer (${fix}).`);
  }
}

/** Check a geometry and fill in its defaults. Throws CtGeometryError on bad input. */
export function resolveGeometry(g: ParallelGeometry): ResolvedGeometry {
  positiveInt(g.rows, 'rows', 'the image height in pixels, e.g. 28');
  positiveInt(g.cols, 'cols', 'the image width in pixels, e.g. 28');
  positiveInt(g.detectorCount, 'detectorCount', `e.g. fullCoverageDetectorCount(${g.rows}, ${g.cols})`);
  const spacing = g.detectorSpacing ?? 1;
  if (!Number.isFinite(spacing) || spacing <= 0) {
    throw new CtGeometryError(`detectorSpacing is ${spacing}; pass a positive number of pixel widths, e.g. 1.`);
  }
  if (!g.anglesDeg || g.anglesDeg.length === 0) {
    throw new CtGeometryError('anglesDeg is empty; pass at least one projection angle in degrees, e.g. evenAngles(64).');
  }
  g.anglesDeg.forEach((a, i) => {
    if (!Number.isFinite(a) || a < 0 || a >= 180) {
      throw new CtGeometryError(
        `anglesDeg[${i}] is ${a}; angles are degrees in [0, 180) (a parallel-beam view at θ+180° only mirrors θ), ` +
          'e.g. evenAngles(n) for n equally spaced views.',
      );
    }
  });
  const convention = g.convention ?? 'centered';
  if (convention !== 'centered' && convention !== 'skimage') {
    throw new CtGeometryError(`convention is '${String(convention)}'; use 'centered' (ASTRA-like) or 'skimage'.`);
  }
  const sk = convention === 'skimage';
  return {
    rows: g.rows,
    cols: g.cols,
    anglesDeg: [...g.anglesDeg],
    detectorCount: g.detectorCount,
    detectorSpacing: spacing,
    convention,
    centerRow: sk ? Math.floor(g.rows / 2) : (g.rows - 1) / 2,
    centerCol: sk ? Math.floor(g.cols / 2) : (g.cols - 1) / 2,
    detectorCenter: sk ? Math.floor(g.detectorCount / 2) : (g.detectorCount - 1) / 2,
  };
}

/** n equally spaced angles i·180/n, i = 0..n-1, in degrees. */
export function evenAngles(n: number): number[] {
  if (!Number.isInteger(n) || n <= 0) {
    throw new CtGeometryError(`evenAngles(${n}): the number of angles must be a positive integer, e.g. 64.`);
  }
  return Array.from({ length: n }, (_, i) => (i * 180) / n);
}

/** Fewest detectors of the given spacing whose span covers the image diagonal (every view sees the whole image). */
export function fullCoverageDetectorCount(rows: number, cols: number, spacing = 1): number {
  return Math.ceil(Math.hypot(rows, cols) / spacing);
}

/** A string that identifies a geometry (used as the operator cache key). */
export function geometryKey(g: ResolvedGeometry): string {
  return JSON.stringify([g.rows, g.cols, g.detectorCount, g.detectorSpacing, g.convention, g.anglesDeg]);
}
