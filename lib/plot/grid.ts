import * as tf from '@tensorflow/tfjs';
import { encodePng } from './png';
import { Bitmap, drawText, makeBitmap } from './text';

export interface GridOptions {
  /** Tiles per row. */
  cols: number;
  /** One title per tile, drawn above it (e.g. "target 3 / p=0.97"). */
  titles?: string[];
  /** One label per row, drawn at its left (e.g. "2-layer"). */
  rowLabels?: string[];
  /** A title over the whole grid. */
  title?: string;
  /** Pixels per image pixel (default 3). */
  scale?: number;
}

/** Images as rows of 784 floats: a tensor [n,28,28,1] / [n,784], or arrays. */
export type Images = tf.Tensor | ArrayLike<number>[];

function toRows(images: Images): { rows: Float32Array; n: number; h: number; w: number } {
  if (images instanceof tf.Tensor) {
    const n = images.shape[0];
    const rest = images.size / n;
    const h = images.rank === 4 ? (images.shape[1] as number) : Math.round(Math.sqrt(rest));
    const w = rest / h;
    return { rows: images.dataSync() as Float32Array, n, h, w };
  }
  const n = images.length;
  const h = Math.round(Math.sqrt(images[0]?.length ?? 784));
  const rows = new Float32Array(n * h * h);
  images.forEach((img, i) => rows.set(Array.from(img), i * h * h));
  return { rows, n, h, w: h };
}

/**
 * A labelled grid of grayscale digits as PNG. Pixel values are shown clamped to [0,1] (0 black,
 * 1 white), so images that leave the range still render; score them for that separately.
 */
export function digitGrid(images: Images, opts: GridOptions): Buffer {
  const { rows, n, h, w } = toRows(images);
  const scale = opts.scale ?? 3;
  const cols = Math.max(1, Math.min(opts.cols, n));
  const nrows = Math.ceil(n / cols);
  const tileW = w * scale;
  const tileH = h * scale;
  const font = Math.max(9, Math.round(3.6 * scale));
  const titleH = opts.titles ? font + 6 : 0;
  // DejaVu Sans averages ~0.6 em a character, capitals and symbols more: leave room for them.
  const labelW = opts.rowLabels ? Math.max(...opts.rowLabels.map((l) => l.length)) * font * 0.72 + 14 : 0;
  const headH = opts.title ? font + 12 : 0;
  const gap = 4;
  const cellW = Math.max(tileW, opts.titles ? Math.max(...opts.titles.map((t) => t.length)) * font * 0.58 : 0) + gap;
  const cellH = tileH + titleH + gap;
  const width = Math.ceil(labelW + cols * cellW + gap);
  const height = Math.ceil(headH + nrows * cellH + gap);
  const bmp: Bitmap = makeBitmap(width, height);
  const data = bmp.data;

  if (opts.title) drawText(bmp, opts.title, width / 2, font + 4, font + 2);
  for (let i = 0; i < n; i++) {
    const r = Math.floor(i / cols);
    const c = i % cols;
    const x0 = Math.round(labelW + gap + c * cellW + (cellW - gap - tileW) / 2);
    const y0 = Math.round(headH + gap + r * cellH + titleH);
    for (let y = 0; y < tileH; y++) {
      for (let x = 0; x < tileW; x++) {
        const v = rows[i * h * w + Math.floor(y / scale) * w + Math.floor(x / scale)];
        const g = Math.round(255 * Math.min(1, Math.max(0, Number.isFinite(v) ? v : 0)));
        const o = 4 * ((y0 + y) * width + x0 + x);
        data[o] = data[o + 1] = data[o + 2] = g;
      }
    }
    if (opts.titles?.[i]) drawText(bmp, opts.titles[i], x0 + tileW / 2, y0 - 4, font);
  }
  opts.rowLabels?.forEach((l, r) => drawText(bmp, l, labelW - 4, headH + gap + r * cellH + titleH + tileH / 2 + font / 3, font, 'right'));
  return encodePng(data, width, height);
}
