/**
 * Set the Jupyter slideshow metadata that the decks follow, in place, one notebook at a time:
 *   node --import tsx scripts/site/slideshow-metadata.ts [--executed DIR] notebooks/03-….ipynb …
 * A slide per section (a markdown cell opening with # or ##; ### opens a subslide under it); a
 * cell that shows a figure goes on the slide of its section, and each further figure of the
 * section on a subslide of its own with the prose after it. Everything else in the file is kept:
 * the file is read just before it is written, only metadata.slideshow changes, and a file whose
 * text would change anywhere else is refused.
 * Whether a code cell shows a figure comes from its executed copy (by cell id; --executed, default
 * notebooks/.executed/quick, else notebooks/.executed); without one, from its source.
 */
import * as fs from 'fs';
import * as path from 'path';
import { fromRoot, writeFileAtomic } from '../../lib/paths';
import { Cell, joinText, Notebook, SlideType } from './notebook';
import { isPlotlyBundle } from './outputs';

/** nbformat's own layout (Python json, indent 1, ASCII): a read-modify-write leaves the rest byte for byte. */
export const notebookText = (nb: unknown): string =>
  JSON.stringify(nb, null, 1).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`) + '\n';

const FIGURE_CALL = /\b(saveFigure|plotlyFigure|showPlotly|resultsTable|\w*[Ff]igure|\w*[Gg]rid\w*|display\(\)\.(png|gif|html))\s*\(/;

/** Does this code cell show a figure, table or chart (not a progress bar, not text)? */
export function showsFigure(cell: Cell, executed: Cell | undefined): boolean {
  if (executed?.outputs) {
    return executed.outputs.some((o) => {
      const d = o.data ?? {};
      if ('image/png' in d || 'image/gif' in d || 'image/jpeg' in d) return true;
      const html = joinText(d['text/html']);
      return html !== '' && !isPlotlyBundle(html) && !/<progress\b/.test(html);
    });
  }
  return FIGURE_CALL.test(joinText(cell.source));
}

export function slideTypes(nb: Notebook, executed: Notebook | null): SlideType[] {
  const byId = new Map((executed?.cells ?? []).filter((c) => c.id).map((c) => [c.id as string, c]));
  let figures = 0;
  return nb.cells.map((c) => {
    if (c.cell_type === 'markdown') {
      const h = /^\s*(#{1,6})\s/.exec(joinText(c.source));
      if (!h) return '-';
      figures = 0;
      return h[1].length <= 2 ? 'slide' : 'subslide';
    }
    if (c.cell_type !== 'code' || !showsFigure(c, c.id ? byId.get(c.id) : undefined)) return '-';
    return figures++ === 0 ? '-' : 'subslide';
  });
}

/** Apply slideTypes to one notebook file; returns how many cells changed. */
export function applySlideMetadata(file: string, executed: Notebook | null): number {
  const text = fs.readFileSync(file, 'utf8');
  const nb = JSON.parse(text) as Notebook;
  if (notebookText(nb) !== text) throw new Error(`${file} is not in nbformat's layout (indent 1, ASCII); save it from Jupyter once, then run this again.`);
  const types = slideTypes(nb, executed);
  let changed = 0;
  nb.cells.forEach((c, i) => {
    if (c.metadata?.slideshow?.slide_type === types[i]) return;
    c.metadata = { ...(c.metadata ?? {}), slideshow: { ...(c.metadata?.slideshow ?? {}), slide_type: types[i] } };
    changed++;
  });
  // Re-read just before writing: another hand may have saved the notebook meanwhile.
  if (fs.readFileSync(file, 'utf8') !== text) throw new Error(`${file} changed while its slide metadata was computed; run this again.`);
  if (changed) writeFileAtomic(file, notebookText(nb));
  return changed;
}

function main(argv: string[]): void {
  let executedDir: string | undefined;
  const files: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--executed') executedDir = path.resolve(argv[++i]);
    else if (argv[i].startsWith('--')) throw new Error(`unknown option ${argv[i]}; use --executed DIR and notebook files`);
    else files.push(argv[i]);
  }
  if (files.length === 0) throw new Error('name the notebooks: scripts/site/slideshow-metadata.ts notebooks/03-….ipynb …');
  executedDir ??= [fromRoot('notebooks', '.executed', 'quick'), fromRoot('notebooks', '.executed')].find((d) => fs.existsSync(d));
  for (const f of files) {
    const ex = executedDir ? path.join(executedDir, path.basename(f)) : '';
    const executed = ex && fs.existsSync(ex) ? (JSON.parse(fs.readFileSync(ex, 'utf8')) as Notebook) : null;
    const n = applySlideMetadata(f, executed);
    console.log(`${f}: ${n} cell(s) changed (figures from ${executed ? ex : 'the source'})`);
  }
}

if (require.main === module) {
  try {
    main(process.argv.slice(2));
  } catch (e) {
    console.error(`slideshow-metadata: ${(e as Error).message}`);
    process.exit(1);
  }
}
