/**
 * Cell outputs to HTML. Images become files named by their hash under img/ (a figure shown on a
 * page and in its deck is stored once); lib/plot/plotly.ts's inline copy of plotly.js (4.8 MB in
 * the first chart of every notebook) is dropped, and the page loads the site's one copy instead.
 */
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { escapeHtml } from '../../lib/plot/display';
import { joinText, Output } from './notebook';

const IMAGE_TYPES: Record<string, string> = { 'image/png': 'png', 'image/gif': 'gif', 'image/jpeg': 'jpg' };

export interface OutputSink {
  /** Site folder: images go to <root>/img/. */
  root: string;
  /** From the page to the site root: '' for pages, '../' for decks. */
  up: string;
  /** Set when an output needs plotly.js. */
  usesPlotly: boolean;
  /** Image files written (deduplicated by content). */
  images: Set<string>;
}

/** lib/plot/plotly.ts's `<script>if (!window.Plotly) {…bundle…}</script>`, or any other inline copy of plotly.js. */
export const isPlotlyBundle = (html: string): boolean =>
  /^\s*<script>\s*if\s*\(\s*!\s*window\.Plotly\s*\)/.test(html) || (html.length > 1_000_000 && /plotly\.js/i.test(html.slice(0, 2000)));

export const isPlotlyChart = (html: string): boolean => /Plotly\.(newPlot|react|plot)\s*\(/.test(html);

// Terminal colour codes in tracebacks.
const stripAnsi = (s: string): string => s.replace(/\u001b\[[0-9;]*[A-Za-z]/g, '');

function imageFile(sink: OutputSink, mime: string, base64: string): string {
  const bytes = Buffer.from(base64.replace(/\s+/g, ''), 'base64');
  const name = `${createHash('sha256').update(bytes).digest('hex').slice(0, 16)}.${IMAGE_TYPES[mime]}`;
  if (!sink.images.has(name)) {
    fs.mkdirSync(path.join(sink.root, 'img'), { recursive: true });
    fs.writeFileSync(path.join(sink.root, 'img', name), bytes);
    sink.images.add(name);
  }
  return `${sink.up}img/${name}`;
}

/** What an output shows; `rich` is false for text (streams, plain results, errors), which decks leave out. */
export interface RenderedOutput {
  html: string;
  rich: boolean;
}

export function renderOutput(o: Output, sink: OutputSink, alt: string): RenderedOutput | null {
  if (o.output_type === 'stream') {
    const t = joinText(o.text);
    return t ? { html: `<pre class="out stream ${o.name === 'stderr' ? 'stderr' : 'stdout'}">${escapeHtml(t)}</pre>`, rich: false } : null;
  }
  if (o.output_type === 'error') {
    const tb = (o.traceback ?? []).map(stripAnsi).join('\n') || `${o.ename}: ${o.evalue}`;
    return { html: `<pre class="out error">${escapeHtml(tb)}</pre>`, rich: false };
  }
  const data = o.data ?? {};
  if ('text/html' in data) {
    const html = joinText(data['text/html']);
    if (isPlotlyBundle(html)) {
      sink.usesPlotly = true;
      return null;
    }
    if (isPlotlyChart(html)) sink.usesPlotly = true;
    // A finished progress bar (lib/plot/progress.ts) is a log line: the page keeps it, a deck does not.
    return { html: `<div class="out html${isPlotlyChart(html) ? ' plotly' : ''}">${html}</div>`, rich: !/<progress\b/.test(html) };
  }
  const mime = Object.keys(IMAGE_TYPES).find((m) => m in data);
  if (mime) {
    return { html: `<div class="out image"><img src="${imageFile(sink, mime, joinText(data[mime]))}" alt="${escapeHtml(alt)}"></div>`, rich: true };
  }
  if ('image/svg+xml' in data) return { html: `<div class="out image">${joinText(data['image/svg+xml'])}</div>`, rich: true };
  if ('text/plain' in data) {
    const t = joinText(data['text/plain']);
    return t ? { html: `<pre class="out result">${escapeHtml(t)}</pre>`, rich: false } : null;
  }
  return null;
}
