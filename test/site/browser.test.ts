/**
 * The seminar site in a real browser (Debian's Chromium through playwright-core), with every
 * request outside the site refused: each page and deck over a local static server and from disk
 * (file://), checked by page-checks.ts; screenshots of a notebook page and a slide are saved.
 *
 * Which site: MNIST_LAB_SITE_DIR if set; else, when every notebook has an executed copy
 * (notebooks/.executed/quick/ or notebooks/.executed/, as a CI run leaves them), a site built
 * from those into a temp folder; else the committed docs/. Screenshots and checks.json go to
 * MNIST_LAB_SITE_SHOTS (default: <tmp>/mnist-lab-site-shots/, kept); docs/screenshots/ holds the committed
 * pair (MNIST_LAB_SITE_DIR=docs MNIST_LAB_SITE_SHOTS=docs/screenshots refreshes it). In CI the unit
 * phase finds no executed notebooks on a fresh clone and checks docs/; run again after the notebooks,
 * it checks a site built from that run.
 */
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { after, before, test } from 'node:test';
import { pathToFileURL } from 'url';
import type { Browser } from 'playwright-core';
import { fromRoot } from '../../lib/paths';
import { buildSite, executedNotebooks } from '../../scripts/site/build';
import { checkPage, failures, PageChecks } from './page-checks';
import { serveFolder } from './serve';

const CHROMIUM = process.env.MNIST_LAB_CHROMIUM ?? ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => fs.existsSync(p));

function siteUnderTest(scratch: string): { dir: string; from: string } {
  if (process.env.MNIST_LAB_SITE_DIR) return { dir: path.resolve(process.env.MNIST_LAB_SITE_DIR), from: 'MNIST_LAB_SITE_DIR' };
  const notebooksDir = fromRoot('notebooks');
  for (const executedDir of [fromRoot('notebooks', '.executed', 'quick'), fromRoot('notebooks', '.executed')]) {
    try {
      executedNotebooks({ executedDir, notebooksDir, profile: 'quick' });
    } catch {
      continue; // not a complete set
    }
    const dir = path.join(scratch, 'site');
    buildSite({ executedDir, notebooksDir, figuresDir: process.env.MNIST_LAB_FIGURES ?? fromRoot('figures'), outDir: dir, readmeFile: fromRoot('README.md'), profile: 'quick', maxBytes: 30e6 });
    return { dir, from: `built from ${path.relative(fromRoot(), executedDir)}` };
  }
  return { dir: fromRoot('docs'), from: 'committed docs/' };
}

let scratch = '';
let site = { dir: '', from: '' };
let shots = '';
let browser: Browser;
let server: { url: string; close: () => Promise<void> };
const results: (PageChecks & { via: string })[] = [];

before(async () => {
  scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'mnist-lab-site-'));
  site = siteUnderTest(scratch);
  assert.ok(fs.existsSync(path.join(site.dir, 'index.html')), `no site at ${site.dir}: build one with \`npm run site\` (or set MNIST_LAB_SITE_DIR)`);
  // Kept after the test (a person looks at them): a fixed folder under the temp dir unless named.
  shots = path.resolve(process.env.MNIST_LAB_SITE_SHOTS ?? path.join(os.tmpdir(), 'mnist-lab-site-shots'));
  fs.mkdirSync(shots, { recursive: true });
  assert.ok(CHROMIUM, 'the site test needs Chromium: `apt-get install chromium` (scripts/setup.sh does) or set MNIST_LAB_CHROMIUM');
  const { chromium } = await import('playwright-core');
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    // No name resolves but the loopback: a request that escapes the routing below still cannot leave.
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1'],
  });
  server = await serveFolder(site.dir);
});

after(async () => {
  await browser?.close();
  await server?.close();
  if (results.length) fs.writeFileSync(path.join(shots, 'checks.json'), JSON.stringify({ site: site.from, results }, null, 1));
  fs.rmSync(scratch, { recursive: true, force: true });
});

function sitePages(): string[] {
  const top = fs.readdirSync(site.dir).filter((f) => f.endsWith('.html')).sort();
  const decks = fs.readdirSync(path.join(site.dir, 'slides')).filter((f) => f.endsWith('.html')).sort().map((f) => `slides/${f}`);
  return [...top, ...decks];
}

async function visit(name: string, via: 'http' | 'file', t: { diagnostic: (s: string) => void }): Promise<PageChecks> {
  const base = via === 'http' ? server.url : pathToFileURL(site.dir + path.sep).href;
  const inside = (u: string): boolean => u.startsWith(base) || u.startsWith('data:') || u.startsWith('blob:') || u === 'about:blank';
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  // Refuse anything that is not the site's own: the pages must not need it.
  await context.route('**/*', (route) => (inside(route.request().url()) ? route.continue() : route.abort('blockedbyclient')));
  const page = await context.newPage();
  try {
    const c = await checkPage(page, base + name, name, inside);
    results.push({ ...c, via });
    t.diagnostic(
      `${via} ${name}: images ${c.imagesDecoded}/${c.images}, formulas ${c.formulas} (errors ${c.formulaErrors}, raw $ ${c.rawDelimiters}, font ${c.katexFont ?? '-'}), ` +
        `plotly ${c.plotlyCharts} (hover ${c.plotlyHover ?? '-'}), code toggle ${c.codeToggle ?? '-'}, deck ${c.deckAdvance ? `${c.slides} slides, → ${c.deckAdvance.join('→')}` : '-'}, ` +
        `console errors ${c.consoleErrors.length}, failed ${c.failedRequests.length}, outside ${c.outsideRequests.length}`,
    );
    return c;
  } finally {
    await context.close();
  }
}

test('the index links every notebook page and deck, and the claims ledger or its absence', () => {
  const index = fs.readFileSync(path.join(site.dir, 'index.html'), 'utf8');
  const pages = sitePages().filter((p) => p !== 'index.html');
  assert.ok(pages.length >= 2, `the site at ${site.dir} has no notebook pages`);
  for (const p of pages) assert.ok(index.includes(`href="${p}"`), `index.html does not link ${p}`);
  assert.ok(/claims-missing|Claims ledger<\/h2>\s*(<p class="note">[^<]*<\/p>\s*)?<div class="wide"><table/.test(index), 'the index shows neither the claims ledger nor that it is missing');
});

test('every page and deck, served over http with the network blocked', async (t) => {
  const checks = [];
  for (const name of sitePages()) checks.push(await visit(name, 'http', t));
  const bad = checks.flatMap((c) => failures(c).map((f) => `${c.page}: ${f}`));
  assert.deepEqual(bad, [], bad.join('\n'));
  assert.ok(checks.some((c) => c.formulas > 0), 'no page typeset a formula (notebook 03 has $…$ in its prose)');
  assert.ok(checks.some((c) => c.plotlyHover === true), 'no page has a Plotly chart that answered a hover');
  assert.ok(checks.filter((c) => c.deckAdvance).every((c) => c.slides! > 1), 'a deck has a single slide: its notebook lacks slideshow metadata');
  assert.ok(checks.filter((c) => c.page.startsWith('slides/')).length >= 1, 'no deck was checked');
});

test('every page and deck, opened from disk (file://)', async (t) => {
  const checks = [];
  for (const name of sitePages()) checks.push(await visit(name, 'file', t));
  const bad = checks.flatMap((c) => failures(c).map((f) => `${c.page}: ${f}`));
  assert.deepEqual(bad, [], bad.join('\n'));
});

test('screenshots of a notebook page and of a slide, for a person to look at', async (t) => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  await context.route('**/*', (route) => (route.request().url().startsWith(server.url) ? route.continue() : route.abort('blockedbyclient')));
  const page = await context.newPage();
  try {
    // A page with formulas, charts and digit grids if there is one; scrolled to its first formula or figure.
    const pages = sitePages().filter((p) => /^\d\d-/.test(p));
    const text = (p: string): string => fs.readFileSync(path.join(site.dir, p), 'utf8');
    const withChart =
      pages.find((p) => text(p).includes('Plotly.newPlot') && text(p).includes('class="katex"')) ?? pages.find((p) => text(p).includes('Plotly.newPlot')) ?? pages[0];
    await page.goto(server.url + withChart, { waitUntil: 'load' });
    await page.locator('.katex-display, .out.image img, .js-plotly-plot').first().evaluate((e) => e.scrollIntoView({ block: 'start' }));
    await page.evaluate(() => window.scrollBy(0, -260));
    const pageShot = path.join(shots, 'page.png');
    await page.screenshot({ path: pageShot });
    // A slide with a figure and its reading: the deck's first section with a heading and an image or a chart.
    const deck = `slides/${withChart}`;
    await page.goto(server.url + deck, { waitUntil: 'load' });
    await page.waitForFunction(() => (window as any).Reveal?.isReady());
    const target = await page.evaluate(() => {
      const R = (window as any).Reveal;
      const hs = R.getHorizontalSlides() as HTMLElement[];
      for (let h = 0; h < hs.length; h++) {
        const vs = hs[h].querySelectorAll(':scope > section');
        const list = vs.length ? Array.from(vs) : [hs[h]];
        for (let v = 0; v < list.length; v++) if (list[v].querySelector('h1, h2, h3') && list[v].querySelector('.out.image img, .js-plotly-plot')) return [h, v];
      }
      return [0, 0];
    });
    await page.evaluate(([h, v]) => (window as any).Reveal.slide(h, v), target);
    await page.waitForTimeout(300);
    const slideShot = path.join(shots, 'slide.png');
    await page.screenshot({ path: slideShot });
    for (const f of [pageShot, slideShot]) assert.ok(fs.statSync(f).size > 10_000, `${f} is nearly empty`);
    t.diagnostic(`screenshots: ${pageShot} (${withChart}), ${slideShot} (${deck} slide ${target.join('.')}); site ${site.from}`);
  } finally {
    await context.close();
  }
});
