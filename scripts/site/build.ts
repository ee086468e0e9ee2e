/**
 * Build the seminar site from executed notebooks: <out>/index.html, <out>/<notebook>.html,
 * <out>/slides/<notebook>.html, <out>/img/ (outputs by hash), <out>/assets/ (plotly.js, reveal.js,
 * KaTeX, the site's CSS and scripts, one copy each). The site is built beside <out> and swapped in
 * whole, so a failed build leaves the previous site as it was; <out>/screenshots/ (written by
 * test/site/browser.test.ts, not by the build) is carried over.
 */
import * as fs from 'fs';
import * as path from 'path';
import { copyAssets, remoteLoads } from './assets';
import { deckHtml } from './deck';
import { indexHtml, IndexEntry } from './index-page';
import { firstHeading } from './markdown';
import { joinText, Notebook, readNotebook, unexecutedCells, withSourceSlides } from './notebook';
import { OutputSink } from './outputs';
import { pageHtml } from './page';

export interface SiteOptions {
  /** Folder of executed notebooks (NN-name.ipynb). */
  executedDir: string;
  /** notebooks/: the list of notebooks, and the slideshow metadata. */
  notebooksDir: string;
  /** figures/ of the same run: leaderboard.csv, claims.csv, 06-leaderboard.png. */
  figuresDir: string;
  outDir: string;
  readmeFile: string;
  profile: string;
  /** The build fails above this size. */
  maxBytes: number;
}

export interface SiteReport {
  notebooks: { stem: string; page: string; deck: string; slides: number[]; images: number; plotly: boolean; unmarked: boolean; errors: number }[];
  bytes: number;
  files: number;
  breakdown: Record<string, number>;
  seconds: number;
}

const KEEP = ['screenshots'];

function dirBytes(dir: string): { bytes: number; files: number; byTop: Record<string, number> } {
  let bytes = 0;
  let files = 0;
  const byTop: Record<string, number> = {};
  const walk = (d: string, top: string | null): void => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      const t = top ?? (e.isDirectory() ? e.name : 'pages');
      if (e.isDirectory()) walk(p, t);
      else {
        const s = fs.statSync(p).size;
        bytes += s;
        files++;
        byTop[t] = (byTop[t] ?? 0) + s;
      }
    }
  };
  walk(dir, null);
  return { bytes, files, byTop };
}

/** The notebooks the site shows: every NN-name.ipynb of notebooks/, each of which must have an executed copy. */
export function executedNotebooks(o: Pick<SiteOptions, 'executedDir' | 'notebooksDir' | 'profile'>): { stem: string; executed: string; source: string }[] {
  const sources = fs.readdirSync(o.notebooksDir).filter((f) => /^\d\d-.*\.ipynb$/.test(f)).sort();
  if (sources.length === 0) throw new Error(`no notebooks (NN-name.ipynb) in ${o.notebooksDir}; pass --notebooks DIR.`);
  const missing = sources.filter((f) => !fs.existsSync(path.join(o.executedDir, f)));
  if (missing.length > 0) {
    throw new Error(
      `${missing.length} notebook(s) have no executed copy in ${o.executedDir}: ${missing.join(', ')}. ` +
        `Run them first (\`npm run notebooks -- --profile ${o.profile}\`, or \`npm run notebooks -- ${missing.map((m) => m.slice(0, 2)).join(' ')} --profile ${o.profile}\`), or pass --executed DIR.`,
    );
  }
  return sources.map((f) => ({ stem: f.replace(/\.ipynb$/, ''), executed: path.join(o.executedDir, f), source: path.join(o.notebooksDir, f) }));
}

function titleOf(nb: Notebook, stem: string): string {
  const md = nb.cells.find((c) => c.cell_type === 'markdown');
  return (md && firstHeading(joinText(md.source))?.text) || stem;
}

export function buildSite(o: SiteOptions): SiteReport {
  const t0 = Date.now();
  const list = executedNotebooks(o);
  const out = path.resolve(o.outDir);
  const tmp = `${out}.building-${process.pid}`;
  fs.rmSync(tmp, { recursive: true, force: true });
  fs.mkdirSync(tmp, { recursive: true });
  try {
    copyAssets(tmp);
    const images = new Set<string>();
    const report: SiteReport['notebooks'] = [];
    const entries: IndexEntry[] = [];
    for (const n of list) {
      const nb = withSourceSlides(readNotebook(n.executed), readNotebook(n.source));
      const skipped = unexecutedCells(nb);
      if (skipped.length > 0) {
        throw new Error(
          `${n.executed}: code cells ${skipped.join(', ')} never ran (the run stopped early); rerun it with \`npm run notebooks -- ${n.stem.slice(0, 2)} --profile ${o.profile}\`.`,
        );
      }
      const title = titleOf(nb, n.stem);
      const pageSink: OutputSink = { root: tmp, up: '', usesPlotly: false, images };
      const page = pageHtml(nb, pageSink, { title, deck: `slides/${n.stem}.html`, index: 'index.html' }, n.executed);
      const deckSink: OutputSink = { root: tmp, up: '../', usesPlotly: false, images };
      const deck = deckHtml(nb, deckSink, title, `../${n.stem}.html`, n.executed);
      fs.writeFileSync(path.join(tmp, `${n.stem}.html`), page);
      fs.mkdirSync(path.join(tmp, 'slides'), { recursive: true });
      fs.writeFileSync(path.join(tmp, 'slides', `${n.stem}.html`), deck.html);
      const errors = nb.cells.reduce((k, c) => k + (c.outputs ?? []).filter((x) => x.output_type === 'error').length, 0);
      report.push({ stem: n.stem, page: `${n.stem}.html`, deck: `slides/${n.stem}.html`, slides: deck.shape, images: (page.match(/<img /g) ?? []).length, plotly: pageSink.usesPlotly, unmarked: deck.unmarked, errors });
      entries.push({ stem: n.stem, title, page: `${n.stem}.html`, deck: `slides/${n.stem}.html`, slides: deck.shape.reduce((a, b) => a + b, 0) });
    }
    const board = path.join(o.figuresDir, '06-leaderboard.png');
    let boardImage: string | null = null;
    if (fs.existsSync(board)) {
      fs.cpSync(board, path.join(tmp, 'img', 'leaderboard.png'));
      boardImage = 'img/leaderboard.png';
    }
    const source = path.relative(path.dirname(out), o.executedDir) || o.executedDir;
    fs.writeFileSync(path.join(tmp, 'index.html'), indexHtml({ entries, readme: fs.existsSync(o.readmeFile) ? fs.readFileSync(o.readmeFile, 'utf8') : '', figuresDir: o.figuresDir, profile: o.profile, source, leaderboardImage: boardImage }));
    // The offline promise, checked on what was written rather than trusted.
    for (const f of [...fs.readdirSync(tmp).filter((f) => f.endsWith('.html')), ...fs.readdirSync(path.join(tmp, 'slides')).map((f) => `slides/${f}`)]) {
      const remote = remoteLoads(fs.readFileSync(path.join(tmp, f), 'utf8'));
      if (remote.length > 0) throw new Error(`${f} would load ${remote.slice(0, 3).join(', ')} from the network; an output of that notebook embeds a remote URL: make it local (lib/plot) and rerun.`);
    }
    const size = dirBytes(tmp);
    if (size.bytes > o.maxBytes) {
      const top = Object.entries(size.byTop).sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} ${(v / 1e6).toFixed(1)} MB`).join(', ');
      throw new Error(`the site is ${(size.bytes / 1e6).toFixed(1)} MB, over the ${(o.maxBytes / 1e6).toFixed(0)} MB limit (${top}); shrink the largest outputs (GIF frames, image scale) or raise --max-mb.`);
    }
    for (const k of KEEP) if (fs.existsSync(path.join(out, k))) fs.cpSync(path.join(out, k), path.join(tmp, k), { recursive: true });
    // Swap: the old site is removed only once the new one is complete and in place.
    const old = `${out}.old-${process.pid}`;
    if (fs.existsSync(out)) fs.renameSync(out, old);
    fs.renameSync(tmp, out);
    fs.rmSync(old, { recursive: true, force: true });
    const final = dirBytes(out);
    return { notebooks: report, bytes: final.bytes, files: final.files, breakdown: final.byTop, seconds: (Date.now() - t0) / 1000 };
  } catch (e) {
    fs.rmSync(tmp, { recursive: true, force: true });
    throw e;
  }
}
