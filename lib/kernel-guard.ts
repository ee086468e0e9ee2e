/**
 * Keeps long notebooks alive in the tslab kernel. zeromq 6 defers a send now and then and throws
 * EBUSY at a send issued before the deferred one went out; tslab sends display messages (progress
 * bars, figures) without waiting, so under load a notebook eventually dies mid-cell, often with
 * its error report lost. The wasm runtime also rethrows every unhandled rejection, which turns
 * such a failed send into a dead kernel.
 */
export function guardKernel(): void {
  const g = globalThis as { __mnistLabKernelGuard?: boolean };
  if (g.__mnistLabKernelGuard) return;
  g.__mnistLabKernelGuard = true;
  try {
    // Queue the kernel's sends so each waits for the previous one (no overlap, no EBUSY).
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    const pub = require('zeromq').Publisher.prototype;
    if (!pub.__queued) {
      const send = pub.send;
      // defineProperty: the inherited `send` is read-only, a plain assignment is ignored.
      Object.defineProperty(pub, 'send', {
        configurable: true,
        writable: true,
        value: function (this: { __last?: Promise<unknown> }, msg: unknown) {
          this.__last = (this.__last ?? Promise.resolve()).then(() => send.call(this, msg)).catch(() => undefined);
          return this.__last;
        },
      });
      pub.__queued = true;
    }
  } catch {
    // Not in a kernel with zeromq (a script): nothing to guard.
  }
  // Should an EBUSY still escape, lose one display frame rather than the kernel.
  for (const l of process.listeners('unhandledRejection')) if (String(l).includes('throw reason')) process.off('unhandledRejection', l);
  process.on('unhandledRejection', (e: unknown) => {
    if ((e as { code?: string })?.code !== 'EBUSY') throw e;
  });
}
