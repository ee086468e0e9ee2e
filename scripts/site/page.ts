/** One notebook as one HTML page: prose, collapsible code, every output inline. */
import { escapeHtml } from '../../lib/plot/display';
import { renderMarkdown } from './markdown';
import { joinText, Notebook } from './notebook';
import { OutputSink, renderOutput } from './outputs';

export interface PageLinks {
  title: string;
  /** Relative to the page. */
  deck: string;
  index: string;
}

/** <head> shared by pages and decks: local stylesheets, and plotly.js only where a chart needs it. */
export function head(title: string, up: string, css: string[], usesPlotly: boolean): string {
  return [
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(title)}</title>`,
    ...css.map((c) => `<link rel="stylesheet" href="${up}${c}">`),
    // Loaded before the body: each chart's inline script draws with it as it is parsed.
    usesPlotly ? `<script src="${up}assets/plotly.min.js"></script>` : '',
    '</head>',
  ]
    .filter(Boolean)
    .join('\n');
}

/** The page's body cells; `where` names the notebook in errors. */
export function pageBody(nb: Notebook, sink: OutputSink, where: string): string {
  return nb.cells
    .map((c, i) => {
      const src = joinText(c.source);
      if (c.cell_type === 'markdown') return `<section class="cell md">${renderMarkdown(src, `${where} cell ${i}`)}</section>`;
      if (c.cell_type !== 'code') return '';
      const outs = (c.outputs ?? []).map((o) => renderOutput(o, sink, `output of cell ${i}`)?.html ?? '').join('\n');
      const code = src.trim()
        ? `<details class="code" open><summary>code · cell ${i}</summary><pre><code class="language-typescript">${escapeHtml(src)}</code></pre></details>`
        : '';
      return `<section class="cell code-cell">${code}${outs ? `<div class="outputs">${outs}</div>` : ''}</section>`;
    })
    .join('\n');
}

export function pageHtml(nb: Notebook, sink: OutputSink, links: PageLinks, where: string): string {
  const body = pageBody(nb, sink, where);
  return [
    head(links.title, sink.up, ['assets/katex/katex.min.css', 'assets/site.css'], sink.usesPlotly),
    '<body class="notebook">',
    `<nav class="bar"><a href="${links.index}">← all notebooks</a> <a href="${links.deck}">slides</a> <button type="button" id="toggle-code">hide code</button></nav>`,
    `<main>\n${body}\n</main>`,
    `<script src="${sink.up}assets/page.js"></script>`,
    '</body></html>',
    '',
  ].join('\n');
}
