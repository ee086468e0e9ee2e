/**
 * The site's local copies of its libraries (from node_modules, so the site makes no request
 * outside its folder) and its own CSS and scripts (scripts/site/static/).
 */
import * as fs from 'fs';
import * as path from 'path';

const pkgDir = (name: string): string => path.dirname(require.resolve(`${name}/package.json`));

/** [from, to under assets/] */
export function assetCopies(): [string, string][] {
  const reveal = path.join(pkgDir('reveal.js'), 'dist');
  const katex = path.join(pkgDir('katex'), 'dist');
  const fonts = path.join(katex, 'fonts');
  const staticDir = path.join(__dirname, 'static');
  return [
    [require.resolve('plotly.js-dist-min/plotly.min.js'), 'plotly.min.js'],
    [path.join(reveal, 'reveal.js'), 'reveal/reveal.js'],
    [path.join(reveal, 'reveal.css'), 'reveal/reveal.css'],
    [path.join(reveal, 'theme', 'white.css'), 'reveal/theme/white.css'],
    [path.join(reveal, 'theme', 'fonts', 'source-sans-pro'), 'reveal/theme/fonts/source-sans-pro'],
    [path.join(katex, 'katex.min.css'), 'katex/katex.min.css'],
    // Browsers take the first format they support in KaTeX's @font-face lists: woff2 (and the rest stays on disk unread).
    ...fs.readdirSync(fonts).map((f): [string, string] => [path.join(fonts, f), `katex/fonts/${f}`]),
    ...fs.readdirSync(staticDir).map((f): [string, string] => [path.join(staticDir, f), f]),
  ];
}

export function copyAssets(root: string): void {
  for (const [from, to] of assetCopies()) {
    if (!fs.existsSync(from)) throw new Error(`site asset ${from} is missing; run \`npm ci\` (scripts/setup.sh does) to install reveal.js, katex and plotly.js-dist-min.`);
    const dest = path.join(root, 'assets', to);
    fs.mkdirSync(path.dirname(dest), { recursive: true });
    fs.cpSync(from, dest, { recursive: true });
  }
}

/**
 * Every URL a file of the site loads by itself (src, stylesheet href, CSS url() and @import):
 * the site must make no request outside its folder, so any of these with a scheme or `//` is an error.
 * Links a reader clicks (<a href>) are not loads and are not listed.
 */
export function remoteLoads(text: string): string[] {
  const urls: string[] = [];
  const patterns = [
    /<(?:script|img|iframe|source|video|audio|embed)\b[^>]*?\ssrc\s*=\s*["']([^"']+)["']/gi,
    /<link\b[^>]*?\shref\s*=\s*["']([^"']+)["']/gi,
    /url\(\s*["']?([^"')]+)["']?\s*\)/gi,
    /@import\s+["']([^"']+)["']/gi,
  ];
  for (const re of patterns) for (const m of text.matchAll(re)) urls.push(m[1]);
  return urls.filter((u) => /^(https?:)?\/\//i.test(u.trim()));
}
