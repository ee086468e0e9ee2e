/**
 * Rich output when running inside the tslab kernel, nothing otherwise (tests, scripts). tslab's
 * display functions throw outside a cell, so lib asks first.
 */
export interface Display {
  html(s: string): void;
  png(b: Uint8Array): void;
  gif(b: Uint8Array): void;
  text(s: string): void;
}

interface TslabModule {
  display: Display;
  newDisplay(): Display;
}

function tslab(): TslabModule | null {
  try {
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    const jupyter = require('tslab/dist/jupyter');
    if (jupyter.lastWriteDisplayData == null) return null;
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    return require('tslab') as TslabModule;
  } catch {
    return null;
  }
}

export const inNotebook = (): boolean => tslab() !== null;

/** The cell's display, or null outside a notebook. */
export const display = (): Display | null => tslab()?.display ?? null;

/** A display that later calls overwrite in place (progress bars), or null outside a notebook. */
export const updatingDisplay = (): Display | null => tslab()?.newDisplay() ?? null;

export const escapeHtml = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
