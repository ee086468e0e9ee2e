import * as tf from '@tensorflow/tfjs';
import { saveFigure } from './figure';
import { digitGridGif } from './gif';
import { digitGrid } from './grid';

/**
 * One time-lapse frame: images in [0,1] stored as 8-bit grey bytes (base64), small enough to keep in
 * a checkpoint's metadata, so a run that loads cached weights shows the same figures as the run
 * that trained them.
 */
export interface Frame {
  title: string;
  b64: string;
}

/** Encode images [n,28,28,1] (or [n,784]) in [0,1] as a frame; values outside are clamped. */
export function toFrame(title: string, images: tf.Tensor): Frame {
  const d = images.dataSync();
  const bytes = Uint8Array.from(d, (v) => Math.round(255 * Math.min(1, Math.max(0, v))));
  return { title, b64: Buffer.from(bytes).toString('base64') };
}

/** The frame's images as rows of 784 floats in [0,1]. */
export function fromFrame(f: Frame): Float32Array[] {
  const b = Buffer.from(f.b64, 'base64');
  if (b.length % 784 !== 0) throw new Error(`frame "${f.title}" holds ${b.length} bytes, not a multiple of 784; it was not written by toFrame.`);
  return Array.from({ length: b.length / 784 }, (_, i) => Float32Array.from(b.subarray(i * 784, (i + 1) * 784), (v) => v / 255));
}

/**
 * The paper's figs. 3–6: the 5×5 samples after the first epoch (left) and after the final one
 * (right) in one picture, a grey column between them. Frames must hold 25 images.
 */
export function firstFinalFigure(name: string, frames: Frame[], model: string): void {
  if (frames.length === 0) throw new Error(`${model}: no time-lapse frames; train with a time-lapse (frames are taken after every epoch).`);
  const a = fromFrame(frames[0]);
  const b = fromFrame(frames[frames.length - 1]);
  if (a.length !== 25 || b.length !== 25) throw new Error(`${model}: first/final grids need 25 images per frame, got ${a.length} and ${b.length}.`);
  const gap = new Float32Array(784).fill(0.5);
  const tiles = Array.from({ length: 5 }, (_, r) => [...a.slice(5 * r, 5 * r + 5), gap, ...b.slice(5 * r, 5 * r + 5)]).flat();
  saveFigure(name, digitGrid(tiles, { cols: 11, title: `${model}: ${frames[0].title} (left) · ${frames[frames.length - 1].title} (right)` }));
}

/** An animated GIF of the frames (5 columns), `delayMs` per frame. */
export function timelapseGif(name: string, frames: Frame[], model: string, delayMs = 500): void {
  saveFigure(name, digitGridGif(frames.map((f) => ({ images: fromFrame(f), title: `${model} · ${f.title}` })), { cols: 5 }, delayMs), { frames: frames.length }, 'gif');
}
