/**
 * A render that never finishes, for tests of the render pool's time limit: the test worker below runs the real
 * render worker, except that a text containing RUNAWAY_MARKER sends it into a loop, a stand-in for a render bomb
 * nobody has found yet. So those tests do not depend on how fast a heavy text renders on the machine at hand.
 */
export const RUNAWAY_MARKER = 'RUNAWAY-RENDER-FOR-TESTS';

/** The worker module, for RenderPoolOptions.entry. */
export const RUNAWAY_WORKER = new URL('./runaway-render-worker.ts', import.meta.url);
