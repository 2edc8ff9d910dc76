/** Progress of a long load, one phase at a time: a bar with rate and ETA on a terminal, plain lines elsewhere. */
export interface Progress {
  phase(name: string, total: number, unit?: string): PhaseProgress;
}

export interface PhaseProgress {
  add(n: number): void;
  /** Ends the phase; returns its duration in milliseconds. */
  done(note?: string): number;
}

/** Reports nothing (tests, library callers). */
export const silentProgress: Progress = {
  phase() {
    const started = performance.now();
    return { add() {}, done: () => performance.now() - started };
  },
};

const BAR_WIDTH = 24;
const REDRAW_MS = 200;
// Without a terminal, a line now and then shows the load is alive without flooding a log file.
const LOG_EVERY_MS = 15_000;
const TICK_MS = 1_000;

export function formatCount(n: number): string {
  return Math.round(n).toLocaleString('en');
}

function formatRate(perSecond: number): string {
  if (perSecond >= 1e6) return `${(perSecond / 1e6).toFixed(2)}M`;
  if (perSecond >= 1e3) return `${(perSecond / 1e3).toFixed(1)}k`;
  return perSecond.toFixed(0);
}

export function formatDuration(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  if (seconds < 60) return `${(ms / 1000).toFixed(1)} s`;
  const m = Math.floor(seconds / 60);
  const s = seconds % 60;
  return `${m}:${String(s).padStart(2, '0')}`;
}

/** A progress bar on a stream (stderr by default), redrawn in place when it is a terminal. */
export function streamProgress(stream: NodeJS.WriteStream = process.stderr): Progress {
  const tty = stream.isTTY === true;
  return {
    phase(name, total, unit = 'rows') {
      const started = performance.now();
      let count = 0;
      let lastDraw = 0;
      const label = name.padEnd(13);
      const line = (now: number) => {
        if (total === 0) return `  ${label} working… ${formatDuration(now - started)}`;
        const elapsed = (now - started) / 1000;
        const rate = elapsed > 0 ? count / elapsed : 0;
        const fraction = total > 0 ? Math.min(1, count / total) : 0;
        const filled = Math.round(fraction * BAR_WIDTH);
        const bar = `[${'#'.repeat(filled)}${'.'.repeat(BAR_WIDTH - filled)}]`;
        const eta = rate > 0 && total > count ? formatDuration(((total - count) / rate) * 1000) : '–';
        return `  ${label} ${bar} ${String(Math.floor(fraction * 100)).padStart(3)}%  ${formatCount(count)}/${formatCount(total)} ${unit}  ${formatRate(rate)}/s  ETA ${eta}`;
      };
      const draw = (force: boolean) => {
        const now = performance.now();
        if (tty) {
          if (!force && now - lastDraw < REDRAW_MS) return;
          stream.write(`\r\x1b[2K${line(now)}`);
        } else {
          if (!force && now - lastDraw < LOG_EVERY_MS) return;
          stream.write(`${line(now)}\n`);
        }
        lastDraw = now;
      };
      if (tty) draw(true);
      else lastDraw = started;
      // A phase that reports rarely (one long statement) still shows it is alive.
      const ticker = setInterval(() => draw(false), TICK_MS);
      ticker.unref();
      return {
        add(n) {
          count += n;
          draw(false);
        },
        done(note) {
          clearInterval(ticker);
          const ms = performance.now() - started;
          const rate = ms > 0 ? (count / ms) * 1000 : 0;
          const figures =
            total > 0
              ? `${formatCount(count)} ${unit} in ${formatDuration(ms)} (${formatRate(rate)}/s)`
              : `${formatDuration(ms)}`;
          stream.write(`${tty ? '\r\x1b[2K' : ''}  ${label} ${figures}${note ? `  ${note}` : ''}\n`);
          return ms;
        },
      };
    },
  };
}
