import * as fs from 'fs';
import { display } from './display';
import { saveFigure } from './figure';

/** A Plotly figure as plain JSON: https://plotly.com/javascript/reference/ */
export interface PlotlyFigure {
  data: Record<string, unknown>[];
  layout?: Record<string, unknown>;
}

const plotlyFile = (): string => require.resolve('plotly.js-dist-min/plotly.min.js');

let loadedInKernel = false;

/**
 * Show a figure inline. plotly.js (4.8 MB) is sent once per kernel; every chart after that is a
 * few kB of JSON drawn by the copy already in the page.
 */
export function showPlotly(fig: PlotlyFigure): void {
  const d = display();
  if (!d) return;
  if (!loadedInKernel) {
    d.html(`<script>if (!window.Plotly) {${fs.readFileSync(plotlyFile(), 'utf8')}}</script>`);
    loadedInKernel = true;
  }
  const id = `plotly-${Math.random().toString(36).slice(2)}`;
  const json = JSON.stringify(fig).replace(/</g, '\\u003c');
  d.html(
    `<div id="${id}" style="width:100%;max-width:${(fig.layout?.width as number) ?? 760}px;height:${(fig.layout?.height as number) ?? 420}px"></div>` +
      `<script>(function draw(){var f=${json};if(window.Plotly){Plotly.newPlot("${id}",f.data,f.layout||{},{responsive:true});}else{setTimeout(draw,100);}})();</script>`,
  );
}

// One headless Chromium page with plotly.js loaded, per process, closed after 10 idle minutes:
// starting Chromium and parsing plotly.js cost ~3–5 s, a chart after that ~0.1 s. (A 15 s timeout
// relaunched it for nearly every chart of a notebook whose charts sit between training cells.)
const IDLE_MS = 600_000;
type Page = import('playwright-core').Page;
type Browser = import('playwright-core').Browser;
let session: Promise<{ browser: Browser; page: Page }> | null = null;
let idle: NodeJS.Timeout | null = null;

const CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];

async function openPage(): Promise<{ browser: Browser; page: Page }> {
  const executablePath = process.env.MNIST_LAB_CHROMIUM ?? CHROMIUM.find((p) => fs.existsSync(p));
  if (!executablePath) {
    throw new Error('PNG export of Plotly charts needs Chromium; run `apt-get install chromium` (scripts/setup.sh does) or set MNIST_LAB_CHROMIUM.');
  }
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({
    executablePath,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
  });
  const page = await browser.newPage();
  await page.setContent('<!doctype html><html><body></body></html>');
  await page.addScriptTag({ path: plotlyFile() });
  return { browser, page };
}

export async function closeBrowser(): Promise<void> {
  if (session) {
    const s = session;
    session = null;
    await (await s).browser.close();
  }
}

/**
 * Start Chromium in the background (startNotebook calls it), so the first chart does not wait for
 * it. A failure here is not reported: the first plotlyPng tries again and throws the real error.
 */
export function warmPlotly(): void {
  if (session) return;
  const s = openPage();
  session = s;
  s.catch(() => {
    if (session === s) session = null;
  });
  idle = setTimeout(() => closeBrowser().catch(() => undefined), IDLE_MS);
  idle.unref();
}

/** Render a figure to PNG in headless Chromium with Plotly.toImage. */
export async function plotlyPng(fig: PlotlyFigure, width = 760, height = 420): Promise<Buffer> {
  if (idle) clearTimeout(idle);
  if (!session) session = openPage();
  try {
    const { page } = await session;
    const url = await page.evaluate(
      // Runs in the browser, where Plotly is a global.
      ([f, w, h]) => (globalThis as any).Plotly.toImage({ data: f.data, layout: f.layout ?? {} }, { format: 'png', width: w, height: h, scale: 1 }),
      [fig, width, height] as const,
    );
    return Buffer.from((url as string).split(',')[1], 'base64');
  } finally {
    // A failed close must not become an unhandled rejection: that would kill the kernel.
    idle = setTimeout(() => closeBrowser().catch(() => undefined), IDLE_MS);
    idle.unref();
  }
}

/** Show a chart inline and save it as figures/<name>.png. */
export async function plotlyFigure(name: string, fig: PlotlyFigure, meta?: Record<string, unknown>): Promise<void> {
  const width = (fig.layout?.width as number) ?? 760;
  const height = (fig.layout?.height as number) ?? 420;
  showPlotly(fig);
  const png = await plotlyPng(fig, width, height);
  // Shown interactively above; the PNG goes to figures/ without being shown twice.
  saveFigure(name, png, meta, 'png', false);
}
