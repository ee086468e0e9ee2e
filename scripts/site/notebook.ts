/** The parts of an executed .ipynb (nbformat 4) that the site reads. */
import * as fs from 'fs';
import * as path from 'path';

export type MultiLine = string | string[];

export interface Output {
  output_type: 'stream' | 'display_data' | 'execute_result' | 'error' | string;
  name?: string;
  text?: MultiLine;
  data?: Record<string, MultiLine | unknown>;
  ename?: string;
  evalue?: string;
  traceback?: string[];
}

/** Jupyter's slideshow types: https://nbformat.readthedocs.io (cell metadata "slideshow"). */
export type SlideType = 'slide' | 'subslide' | 'fragment' | 'skip' | 'notes' | '-';
export const SLIDE_TYPES: readonly SlideType[] = ['slide', 'subslide', 'fragment', 'skip', 'notes', '-'];

export interface Cell {
  id?: string;
  cell_type: 'markdown' | 'code' | 'raw' | string;
  source: MultiLine;
  metadata?: { slideshow?: { slide_type?: string }; [k: string]: unknown };
  outputs?: Output[];
  execution_count?: number | null;
}

export interface Notebook {
  cells: Cell[];
  metadata?: Record<string, unknown>;
  nbformat?: number;
}

export const joinText = (t: MultiLine | unknown): string => (Array.isArray(t) ? t.join('') : typeof t === 'string' ? t : '');

export function readNotebook(file: string): Notebook {
  let nb: Notebook;
  try {
    nb = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    throw new Error(`${file} is not a readable notebook (${(e as Error).message}); run it again with \`npm run notebooks -- ${path.basename(file).slice(0, 2)}\`.`);
  }
  if (!Array.isArray(nb.cells)) throw new Error(`${file} has no "cells" array; it is not an nbformat 4 notebook.`);
  return nb;
}

/** A cell's slide type; anything else in the metadata is an error naming the cell and the allowed values. */
export function slideType(cell: Cell, where: string): SlideType {
  const t = cell.metadata?.slideshow?.slide_type ?? '-';
  if (!(SLIDE_TYPES as readonly string[]).includes(t)) {
    throw new Error(`${where}: slideshow.slide_type "${t}" is not one of ${SLIDE_TYPES.join(', ')}; fix the cell's metadata.`);
  }
  return t as SlideType;
}

/**
 * The executed notebook with the slideshow metadata of the source notebook (matched by cell id):
 * slide breaks are edited in notebooks/, and need no rerun to reach the deck.
 */
export function withSourceSlides(executed: Notebook, source: Notebook | null): Notebook {
  if (!source) return executed;
  const byId = new Map(source.cells.filter((c) => c.id).map((c) => [c.id as string, c]));
  return {
    ...executed,
    cells: executed.cells.map((c) => {
      const s = c.id ? byId.get(c.id)?.metadata?.slideshow : undefined;
      return s ? { ...c, metadata: { ...c.metadata, slideshow: s } } : c;
    }),
  };
}

/**
 * Code cells that never ran: a notebook copied without being executed, or a run cut short. tslab
 * leaves execution_count empty; nbconvert records metadata.execution on every cell it sent.
 */
export function unexecutedCells(nb: Notebook): number[] {
  const ran = (c: Cell): boolean => c.execution_count != null || c.metadata?.execution != null;
  return nb.cells.flatMap((c, i) => (c.cell_type === 'code' && joinText(c.source).trim() !== '' && !ran(c) ? [i] : []));
}
