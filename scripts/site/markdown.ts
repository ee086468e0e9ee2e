/**
 * Markdown cells to HTML, with $…$ and $$…$$ typeset by KaTeX at build time (the page needs only
 * KaTeX's CSS and fonts, no script). Math is cut out before marked sees it, so `_` and `*` inside a
 * formula are not read as emphasis; code spans and fenced blocks are left alone, so `${x}` in a
 * template string is not math.
 */
import katex from 'katex';
import { marked } from 'marked';

export interface MathSpan {
  tex: string;
  display: boolean;
}

const PLACEHOLDER = (i: number): string => `KATEXMATH${i}X`;

/** Pandoc's rule for inline $: no space after the opening $, none before the closing one, no digit after it ($5 and $10 stay text). */
const INLINE = /(?<!\\)\$(?!\s)((?:\\\$|[^$\n])+?)(?<![\s\\])\$(?!\d)/g;
const DISPLAY = /(?<!\\)\$\$([\s\S]+?)\$\$/g;

/** Split markdown into code (fenced blocks, inline spans) and prose, so math is only looked for in prose. */
function splitCode(md: string): { code: boolean; text: string }[] {
  const parts: { code: boolean; text: string }[] = [];
  const re = /(^|\n)(```|~~~)[^\n]*\n[\s\S]*?(\n\2[^\n]*(?=\n|$)|$)|(`+)[^`][\s\S]*?\4/g;
  let last = 0;
  for (let m = re.exec(md); m; m = re.exec(md)) {
    parts.push({ code: false, text: md.slice(last, m.index) }, { code: true, text: m[0] });
    last = m.index + m[0].length;
  }
  parts.push({ code: false, text: md.slice(last) });
  return parts;
}

/** The markdown with its formulas replaced by placeholders, and the formulas in order. */
export function extractMath(md: string): { text: string; math: MathSpan[] } {
  const math: MathSpan[] = [];
  const text = splitCode(md)
    .map((p) =>
      p.code
        ? p.text
        : p.text
            .replace(DISPLAY, (_, tex: string) => PLACEHOLDER(math.push({ tex: tex.trim(), display: true }) - 1))
            .replace(INLINE, (_, tex: string) => PLACEHOLDER(math.push({ tex, display: false }) - 1)),
    )
    .join('');
  return { text, math };
}

/**
 * HTML of one markdown cell. A formula KaTeX cannot parse is an error naming it and `where`
 * (notebook and cell), not a red box found later in a browser.
 */
export function renderMarkdown(md: string, where: string): string {
  const { text, math } = extractMath(md);
  const html = marked.parse(text, { async: false, gfm: true }) as string;
  return html.replace(/KATEXMATH(\d+)X/g, (_, i: string) => {
    const m = math[Number(i)];
    try {
      return katex.renderToString(m.tex, { displayMode: m.display, throwOnError: true, output: 'htmlAndMathml' });
    } catch (e) {
      throw new Error(`${where}: KaTeX cannot typeset $${m.tex}$ (${(e as Error).message}); fix the formula in that markdown cell.`);
    }
  });
}

/** The text of the first heading of a markdown source, without the #s, or null. */
export function firstHeading(md: string): { level: number; text: string } | null {
  const m = /^(#{1,6})\s+(.+?)\s*#*\s*$/m.exec(md);
  return m ? { level: m[1].length, text: m[2] } : null;
}
