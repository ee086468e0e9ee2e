/**
 * What the browser test checks on one page or deck of the site, in headless Chromium with every
 * request outside the site refused: console errors, failed or outside requests, images decoded,
 * formulas typeset, a Plotly chart answering a hover, a deck advancing on the arrow key.
 */
import type { Page } from 'playwright-core';

export interface PageChecks {
  page: string;
  consoleErrors: string[];
  failedRequests: string[];
  outsideRequests: string[];
  images: number;
  imagesDecoded: number;
  formulas: number;
  formulaErrors: number;
  /** $…$ left as text in prose: a formula that was not typeset. */
  rawDelimiters: number;
  katexFont: boolean | null;
  plotlyCharts: number;
  plotlyHover: boolean | null;
  /** Page: the code button closes every code cell and opens them again. Deck: code hidden until C shows it. */
  codeToggle: boolean | null;
  /** Deck only: horizontal slide index before and after ArrowRight. */
  deckAdvance: [number, number] | null;
  slides: number | null;
}

/** Listeners that collect a page's errors and requests while it loads and is used. */
export function watch(page: Page, inside: (url: string) => boolean) {
  const seen = { consoleErrors: [] as string[], failedRequests: [] as string[], outsideRequests: [] as string[] };
  page.on('console', (m) => {
    if (m.type() === 'error') seen.consoleErrors.push(m.text());
  });
  page.on('pageerror', (e) => seen.consoleErrors.push(`uncaught: ${e.message}`));
  page.on('request', (r) => {
    if (!inside(r.url())) seen.outsideRequests.push(r.url());
  });
  page.on('requestfailed', (r) => seen.failedRequests.push(`${r.url()} (${r.failure()?.errorText})`));
  page.on('response', (r) => {
    if (r.status() >= 400) seen.failedRequests.push(`${r.url()} (HTTP ${r.status()})`);
  });
  return seen;
}

/** Move the mouse over the first chart's plot area until Plotly reports a hover (a real pointer event, not Plotly.Fx). */
async function hoverChart(page: Page): Promise<boolean> {
  const chart = page.locator('.js-plotly-plot').first();
  await chart.scrollIntoViewIfNeeded();
  await page.evaluate(() => {
    const gd = document.querySelector('.js-plotly-plot') as any;
    (window as any).__hovered = false;
    gd.on('plotly_hover', () => ((window as any).__hovered = true));
  });
  const box = await page.locator('.js-plotly-plot .nsewdrag').first().boundingBox();
  if (!box) return false;
  for (let j = 1; j < 10; j++) {
    for (let i = 1; i < 16; i++) {
      await page.mouse.move(box.x + (box.width * i) / 16, box.y + (box.height * j) / 10);
      if (await page.evaluate(() => (window as any).__hovered && document.querySelector('.js-plotly-plot .hoverlayer .hovertext') !== null)) return true;
    }
  }
  return false;
}

export async function checkPage(page: Page, url: string, name: string, inside: (url: string) => boolean): Promise<PageChecks> {
  const seen = watch(page, inside);
  await page.goto(url, { waitUntil: 'load' });
  await page.evaluate(() => document.fonts.ready.then(() => undefined));
  const dom = await page.evaluate(async () => {
    const imgs = Array.from(document.images);
    const decoded = await Promise.all(imgs.map((i) => i.decode().then(() => i.naturalWidth > 0, () => false)));
    const prose = Array.from(document.querySelectorAll('.cell.md, .reveal .slides section')).map((e) => {
      const c = e.cloneNode(true) as HTMLElement;
      c.querySelectorAll('code, pre, .katex').forEach((x) => x.remove());
      return c.textContent ?? '';
    });
    const katex = document.querySelectorAll('.katex').length;
    let katexLoaded = false;
    document.fonts.forEach((f) => {
      if (f.family.includes('KaTeX_Main') && f.status === 'loaded') katexLoaded = true;
    });
    return {
      images: imgs.length,
      imagesDecoded: decoded.filter(Boolean).length,
      formulas: katex,
      formulaErrors: document.querySelectorAll('.katex-error').length,
      rawDelimiters: prose.reduce((k, t) => k + (t.match(/\$[^$\s][^$\n]*[^$\s\\]\$(?!\d)/g) ?? []).length, 0),
      katexFont: katex > 0 ? katexLoaded : null,
      plotlyCharts: document.querySelectorAll('.js-plotly-plot').length,
      isDeck: typeof (window as any).Reveal !== 'undefined',
    };
  });
  let codeToggle: boolean | null = null;
  let deckAdvance: [number, number] | null = null;
  let slides: number | null = null;
  if (dom.isDeck) {
    await page.waitForFunction(() => (window as any).Reveal.isReady());
    slides = await page.evaluate(() => (window as any).Reveal.getHorizontalSlides().length);
    const before = await page.evaluate(() => (window as any).Reveal.getIndices().h as number);
    await page.keyboard.press('ArrowRight');
    await page.waitForTimeout(100);
    deckAdvance = [before, await page.evaluate(() => (window as any).Reveal.getIndices().h as number)];
  }
  if (dom.isDeck && (await page.locator('pre.deck-code').count()) > 0) {
    // Code is in the deck but hidden until C is pressed.
    const shown = () => page.evaluate(() => Array.from(document.querySelectorAll('pre.deck-code')).some((e) => getComputedStyle(e).display !== 'none'));
    const before = await shown();
    await page.keyboard.press('c');
    codeToggle = !before && (await shown());
  }
  if (!dom.isDeck && (await page.locator('details.code').count()) > 0) {
    const open = () => page.evaluate(() => Array.from(document.querySelectorAll('details.code')).map((d) => (d as HTMLDetailsElement).open));
    await page.click('#toggle-code');
    const closed = await open();
    await page.click('#toggle-code');
    const reopened = await open();
    codeToggle = closed.every((o) => !o) && reopened.every((o) => o);
  }
  // In a deck the chart may sit on a later slide: hovering is checked on the pages.
  const plotlyHover = dom.plotlyCharts > 0 && !dom.isDeck ? await hoverChart(page) : null;
  const { isDeck: _, ...counts } = dom;
  return { page: name, ...seen, ...counts, plotlyHover, codeToggle, deckAdvance, slides };
}

/** The failures among a page's checks, as sentences (empty when it passes). */
export function failures(c: PageChecks): string[] {
  const f: string[] = [];
  if (c.consoleErrors.length) f.push(`console errors: ${c.consoleErrors.slice(0, 3).join(' | ')}`);
  if (c.failedRequests.length) f.push(`failed requests: ${c.failedRequests.slice(0, 3).join(' | ')}`);
  if (c.outsideRequests.length) f.push(`requests outside the site: ${c.outsideRequests.slice(0, 3).join(' | ')}`);
  if (c.imagesDecoded !== c.images) f.push(`${c.images - c.imagesDecoded} of ${c.images} images not decoded`);
  if (c.formulaErrors) f.push(`${c.formulaErrors} KaTeX errors`);
  if (c.rawDelimiters) f.push(`${c.rawDelimiters} untypeset $…$ in prose`);
  if (c.katexFont === false) f.push('KaTeX fonts not loaded');
  if (c.plotlyHover === false) f.push('no Plotly hover answered the mouse');
  if (c.codeToggle === false) f.push(c.deckAdvance ? 'code is not hidden, or C does not show it' : 'the code button did not close and reopen every code cell');
  if (c.deckAdvance && c.slides! > 1 && c.deckAdvance[1] !== c.deckAdvance[0] + 1) f.push(`ArrowRight went from slide ${c.deckAdvance[0]} to ${c.deckAdvance[1]}`);
  return f;
}
