// katex 0.16.22 ships no types; the one call the site makes.
declare module 'katex' {
  interface Options {
    displayMode?: boolean;
    throwOnError?: boolean;
    output?: 'html' | 'mathml' | 'htmlAndMathml';
  }
  const katex: { renderToString(tex: string, options?: Options): string };
  export default katex;
}
