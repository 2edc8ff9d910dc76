import { Worker } from 'node:worker_threads';

/**
 * Starts a worker thread on the module `entry` names (a sibling .js file once compiled, .ts under tsx or vitest).
 * A worker does not inherit tsx's loader, so for a .ts entry a small ESM bootstrap registers tsx in the worker
 * first. The one way workers are started in Lyceum (the render pool, and through it the synthetic loader).
 */
export function startWorker(entry: URL): Worker {
  if (!entry.pathname.endsWith('.ts')) return new Worker(entry);
  const tsxApi = import.meta.resolve('tsx/esm/api');
  const boot = `import { register } from ${JSON.stringify(tsxApi)}; register(); await import(${JSON.stringify(entry.href)});`;
  return new Worker(new URL(`data:text/javascript,${encodeURIComponent(boot)}`));
}

/** The sibling module `name` (without extension) of `base`, with the extension `base` itself has. */
export function siblingModule(name: string, base: string): URL {
  return new URL(`./${name}.${base.endsWith('.ts') ? 'ts' : 'js'}`, base);
}
