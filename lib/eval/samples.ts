import * as tf from '@tensorflow/tfjs';
import * as fs from 'fs';
import * as path from 'path';
import { PNG } from 'pngjs';
import { writeFileAtomic } from '../paths';
import { resultNumber } from '../plot/csv';
import { figuresDir } from '../plot/figure';
import { assertShape, ShapeError, ValueRangeError } from '../tensor/guards';

/** Version tag of the sample format (figures/samples/README.md describes it). */
export const SAMPLES_FORMAT = 'mnist-inversion-lab/samples@1';

/** The .json beside each samples PNG. */
export interface SamplesMeta {
  format: typeof SAMPLES_FORMAT;
  notebook: string;
  method: string;
  paper: string;
  profile: string;
  seed: number;
  n: number;
  /** Tiles are 28×28 and laid out in one row: tile i spans x = 28·i … 28·i + 27. */
  tile: 28;
  pixel: 'uint8 = round(255 · clamp(x, 0, 1)), 0 black';
  /** Intended label of each tile, or null for unconditional generators. */
  labels: number[] | null;
  settings: Record<string, unknown>;
}

export const samplesDir = (): string => path.join(figuresDir(), 'samples');

/** "04" + "TV prior (λ=0.1)" -> "04-tv-prior-0-1": a file-name-safe stem. */
export function samplesStem(notebook: string, method: string): string {
  const slug = method
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  if (!slug) throw new ValueRangeError(`method name "${method}" has no letters or digits; name the method (e.g. "gradient ascent").`);
  return `${notebook}-${slug}`;
}

/** Encode images [n,28,28,1] as one row of 28×28 uint8 grayscale tiles (values clamped to [0,1]). */
export function samplesPng(images: tf.Tensor4D): Buffer {
  assertShape(images, [null, 28, 28, 1], 'samples');
  const n = images.shape[0];
  const x = images.dataSync();
  const width = 28 * n;
  const png = new PNG({ width, height: 28, colorType: 0 });
  for (let i = 0; i < n; i++) {
    for (let r = 0; r < 28; r++) {
      for (let c = 0; c < 28; c++) {
        const v = Math.round(255 * Math.min(1, Math.max(0, x[i * 784 + r * 28 + c])));
        const o = 4 * (r * width + i * 28 + c);
        png.data[o] = png.data[o + 1] = png.data[o + 2] = v;
        png.data[o + 3] = 255;
      }
    }
  }
  return PNG.sync.write(png, { colorType: 0 });
}

/**
 * Write figures/samples/<notebook>-<method>.{png,json}; returns the PNG's path relative to
 * figures/ (what the leaderboard row names).
 */
export function exportSamples(images: tf.Tensor4D, meta: Omit<SamplesMeta, 'format' | 'n' | 'tile' | 'pixel'>): string {
  const n = images.shape[0];
  if (meta.labels && meta.labels.length !== n) throw new ShapeError(`${meta.labels.length} labels for ${n} sample images; give one per image.`);
  const stem = samplesStem(meta.notebook, meta.method);
  const full: SamplesMeta = { format: SAMPLES_FORMAT, ...meta, n, tile: 28, pixel: 'uint8 = round(255 · clamp(x, 0, 1)), 0 black' };
  writeFileAtomic(path.join(samplesDir(), `${stem}.png`), samplesPng(images));
  // Numbers as every results file stores them (6 significant digits), so reruns diff cleanly.
  const json = JSON.stringify(full, (_, v) => (typeof v === 'number' ? resultNumber(v) : v), 1);
  writeFileAtomic(path.join(samplesDir(), `${stem}.json`), json + '\n');
  return `samples/${stem}.png`;
}

/** Read a samples PNG (and its .json) back: images [n,28,28,1] in [0,1] (uint8 / 255). */
export function readSamples(pngFile: string): { images: tf.Tensor4D; meta: SamplesMeta | null } {
  if (!fs.existsSync(pngFile)) throw new Error(`samples file ${pngFile} does not exist; export it with recordScores / exportSamples first.`);
  const png = PNG.sync.read(fs.readFileSync(pngFile));
  if (png.height !== 28 || png.width % 28 !== 0) {
    throw new ShapeError(`${pngFile} is ${png.width}×${png.height}; a samples strip is 28 high and a multiple of 28 wide.`);
  }
  const n = png.width / 28;
  const x = new Float32Array(n * 784);
  for (let i = 0; i < n; i++) for (let r = 0; r < 28; r++) for (let c = 0; c < 28; c++) x[i * 784 + r * 28 + c] = png.data[4 * (r * png.width + i * 28 + c)] / 255;
  const jsonFile = pngFile.replace(/\.png$/, '.json');
  const meta = fs.existsSync(jsonFile) ? (JSON.parse(fs.readFileSync(jsonFile, 'utf8')) as SamplesMeta) : null;
  return { images: tf.tensor4d(x, [n, 28, 28, 1]), meta };
}
