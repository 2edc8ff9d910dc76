import { type ChildProcess, spawn } from 'node:child_process';

/** Kept of a child's stderr, for the message when it exits early. */
const STDERR_KEPT_CHARS = 4000;

export interface StartedProcess {
  child: ChildProcess;
  /** The capture of `ready` in the child's stdout. */
  match: RegExpMatchArray;
  /** Resolves with the next stdout line (from now on) matching `pattern`; rejects after timeoutMs or on exit. */
  nextLine(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
}

interface LineWaiter {
  pattern: RegExp;
  resolve(match: RegExpMatchArray): void;
  reject(error: Error): void;
}

/**
 * Starts a child process and resolves with the first capture of `ready` in its stdout. An env value of
 * undefined removes that variable from the environment the child inherits.
 */
export function startProcess(
  args: string[],
  env: Record<string, string | undefined>,
  ready: RegExp,
): Promise<StartedProcess> {
  const merged = Object.fromEntries(
    Object.entries({ ...process.env, ...env }).filter((entry): entry is [string, string] => entry[1] !== undefined),
  );
  const child = spawn(process.execPath, args, { env: merged, stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  child.stderr!.on('data', (d: Buffer) => {
    err = (err + d.toString()).slice(-STDERR_KEPT_CHARS);
  });
  let partial = '';
  let waiters: LineWaiter[] = [];
  child.stdout!.on('data', (d: Buffer) => {
    const lines = (partial + d.toString()).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) {
      waiters = waiters.filter((waiter) => {
        const match = line.match(waiter.pattern);
        if (match) waiter.resolve(match);
        return !match;
      });
    }
  });
  const exited = () => new Error(`${args.join(' ')} exited with ${child.exitCode}:\n${err}`);
  child.on('exit', () => {
    for (const waiter of waiters) waiter.reject(exited());
    waiters = [];
  });
  const nextLine = (pattern: RegExp, timeoutMs = 10_000) =>
    new Promise<RegExpMatchArray>((resolve, reject) => {
      if (child.exitCode !== null) return reject(exited());
      const timer = setTimeout(() => {
        waiters = waiters.filter((w) => w !== waiter);
        reject(new Error(`no line matching ${pattern} from ${args.join(' ')} within ${timeoutMs} ms`));
      }, timeoutMs);
      const waiter: LineWaiter = {
        pattern,
        resolve: (match) => {
          clearTimeout(timer);
          resolve(match);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      };
      waiters.push(waiter);
    });
  // No timeout on start-up: a first start may migrate or load the demo forum.
  return nextLine(ready, 2 ** 31 - 1).then((match) => ({ child, match, nextLine }));
}

export async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.on('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}
