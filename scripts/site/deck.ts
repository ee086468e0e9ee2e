/**
 * One notebook as a reveal.js deck. Slide breaks come only from the cells' Jupyter slideshow
 * metadata (slide, subslide, fragment, skip, notes; scripts/site/slideshow-metadata.ts sets them):
 * nothing is guessed here. Decks show prose and rich outputs; code is present but hidden (the
 * C key shows it), text output (logs, tensor counts) is left to the page.
 */
import { escapeHtml } from '../../lib/plot/display';
import { renderMarkdown } from './markdown';
import { joinText, Notebook, slideType } from './notebook';
import { OutputSink, renderOutput } from './outputs';
import { head } from './page';

export interface Deck {
  html: string;
  /** Horizontal slides, and the vertical ones under each. */
  shape: number[];
  /** True when no cell had slideshow metadata (the deck is then one long slide). */
  unmarked: boolean;
}

/** Chunks of HTML per vertical slide per horizontal slide. */
export function deckSlides(nb: Notebook, sink: OutputSink, where: string): { slides: string[][][]; unmarked: boolean } {
  const slides: string[][][] = [];
  let marked = false;
  nb.cells.forEach((c, i) => {
    const t = slideType(c, `${where} cell ${i}`);
    if (t !== '-') marked = true;
    if (t === 'skip') return;
    if (t === 'slide' || slides.length === 0) slides.push([[]]);
    else if (t === 'subslide') slides[slides.length - 1].push([]);
    const src = joinText(c.source);
    let html = '';
    if (c.cell_type === 'markdown') html = renderMarkdown(src, `${where} cell ${i}`);
    else if (c.cell_type === 'code') {
      const outs = (c.outputs ?? []).map((o) => renderOutput(o, sink, `output of cell ${i}`)).filter((o) => o?.rich);
      html =
        (src.trim() ? `<pre class="deck-code"><code class="language-typescript">${escapeHtml(src)}</code></pre>` : '') +
        outs.map((o) => o!.html).join('\n');
    }
    if (!html) return;
    if (t === 'fragment') html = `<div class="fragment">${html}</div>`;
    if (t === 'notes') html = `<aside class="notes">${html}</aside>`;
    const h = slides[slides.length - 1];
    h[h.length - 1].push(html);
  });
  return { slides, unmarked: !marked };
}

export function deckHtml(nb: Notebook, sink: OutputSink, title: string, page: string, where: string): Deck {
  const { slides, unmarked } = deckSlides(nb, sink, where);
  const section = (chunks: string[]): string => `<section>\n${chunks.join('\n')}\n</section>`;
  const body = slides.map((v) => (v.length === 1 ? section(v[0]) : `<section>\n${v.map(section).join('\n')}\n</section>`)).join('\n');
  const html = [
    head(title, sink.up, ['assets/reveal/reveal.css', 'assets/reveal/theme/white.css', 'assets/katex/katex.min.css', 'assets/deck.css'], sink.usesPlotly),
    '<body class="deck">',
    `<div class="deck-bar"><a href="${page}">notebook page</a> · <a href="${sink.up}index.html">index</a> · C: code</div>`,
    `<div class="reveal"><div class="slides">\n${body}\n</div></div>`,
    `<script src="${sink.up}assets/reveal/reveal.js"></script>`,
    `<script src="${sink.up}assets/deck.js"></script>`,
    '</body></html>',
    '',
  ].join('\n');
  return { html, shape: slides.map((v) => v.length), unmarked };
}
