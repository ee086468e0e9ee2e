import * as fs from 'fs';
import * as PImage from 'pureimage';

/**
 * Text on PNG figures, drawn by pureimage (pure JS) with DejaVu Sans from Debian's
 * fonts-dejavu-core, so digit grids need no browser.
 */
const FONT_FILES = ['/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf', '/usr/share/fonts/dejavu/DejaVuSans.ttf'];
export const FONT = 'DejaVuSans';
let loaded = false;

export function ensureFont(): void {
  if (loaded) return;
  const file = process.env.MNIST_LAB_FONT ?? FONT_FILES.find((f) => fs.existsSync(f));
  if (!file) {
    throw new Error('no DejaVu Sans font for figure titles; run `apt-get install fonts-dejavu-core` (scripts/setup.sh does) or set MNIST_LAB_FONT to a .ttf file.');
  }
  PImage.registerFont(file, FONT).loadSync();
  loaded = true;
}

export type Bitmap = ReturnType<typeof PImage.make>;

export function makeBitmap(width: number, height: number): Bitmap {
  ensureFont();
  const bmp = PImage.make(width, height);
  bmp.data.fill(255); // white, opaque
  return bmp;
}

/** Centre `text` horizontally at x, with its baseline at y. */
export function drawText(bmp: Bitmap, text: string, x: number, y: number, size: number, align: 'center' | 'left' | 'right' = 'center', color = '#000000'): void {
  const ctx = bmp.getContext('2d');
  ctx.font = `${size}px ${FONT}`;
  ctx.fillStyle = color;
  const w = ctx.measureText(text).width;
  const x0 = align === 'center' ? x - w / 2 : align === 'right' ? x - w : x;
  ctx.fillText(text, x0, y);
}
