import { afterAll, describe, expect, it } from 'vitest';
import { RenderPool } from '../../src/content/pool.js';
import { MAX_MARKDOWN_CHARS, renderContent, renderMarkdown } from '../../src/content/render.js';
import { revisionDiff, wholeReplacement } from '../../src/content/word-diff.js';
import { Invalid, Unavailable } from '../../src/errors.js';
import { RUNAWAY_MARKER, RUNAWAY_WORKER } from '../helpers/runaway.js';
import { heavyMarkdown } from './heavy.js';

const SAMPLE = [
  '# Setup',
  'Energy $E = mc^2$ and a note.[^1] A [link](https://example.org) and <b>bold</b> <script>alert(1)</script>.',
  '$$\n\\int_0^1 f(x)\\,dx\n$$',
  '| a | b |\n|---|---|\n| $x$ | **y** |',
  '```python\nprint(1 < 2)\n```',
  '[^1]: The note.',
].join('\n\n');

const pools: RenderPool[] = [];
function pool(options: Partial<ConstructorParameters<typeof RenderPool>[0]> = {}) {
  const made = new RenderPool({ size: 1, maxQueue: 16, timeoutMs: 0, ...options });
  pools.push(made);
  return made;
}

afterAll(async () => {
  await Promise.all(pools.map((p) => p.close()));
});

describe('the render pool', () => {
  it('renders exactly what the in-process pipeline renders, and diffs as it does', async () => {
    const workers = pool({ size: 2 });
    const [content, html, diff] = await Promise.all([
      workers.render(SAMPLE, { docId: 'p1' }),
      workers.renderHtml(SAMPLE),
      workers.diffRevisions(
        { title: 'On bounds', body: SAMPLE },
        { title: 'On tight bounds', body: `${SAMPLE} More.` },
      ),
    ]);
    expect(content).toEqual(renderContent(SAMPLE, { docId: 'p1' }));
    expect(html).toBe(renderMarkdown(SAMPLE));
    expect(diff).toEqual(
      revisionDiff({ title: 'On bounds', body: SAMPLE }, { title: 'On tight bounds', body: `${SAMPLE} More.` }),
    );
    expect(diff.title).toContainEqual({ kind: 'added', text: 'tight ' });
  });

  it('stops a render past its time limit with a message naming the field, then renders the next text', async () => {
    const limited = pool({ timeoutMs: 150, entry: RUNAWAY_WORKER });
    const attempt = limited.render(`A bomb nobody has found yet. ${RUNAWAY_MARKER}`, { field: 'description' });
    await expect(attempt).rejects.toBeInstanceOf(Invalid);
    const error = (await attempt.catch((e: unknown) => e)) as Invalid;
    expect(error.status).toBe(422);
    expect(error.fields.description).toMatch(/^Rendering this text took longer than 0\.15 seconds and was stopped;/);
    // The stopped worker was replaced: the next text renders, correctly.
    expect(await limited.renderHtml('Next $x^2$ text')).toBe(renderMarkdown('Next $x^2$ text'));
  });

  it('shows a diff past the time limit as the whole text replaced', async () => {
    const limited = pool({ timeoutMs: 100, entry: RUNAWAY_WORKER });
    const before = { title: 'a', body: 'The old text.' };
    const after = { title: 'b', body: `The new text. ${RUNAWAY_MARKER}` };
    expect(await limited.diffRevisions(before, after)).toEqual({
      title: wholeReplacement('a', 'b'),
      body: wholeReplacement(before.body, after.body),
    });
  });

  it('refuses work past its queue bound with a 503 that says when to try again', async () => {
    const small = pool({ maxQueue: 1 });
    await small.renderHtml('warm'); // the worker has started
    const running = small.renderHtml(heavyMarkdown('busy-1', 40_000));
    const waiting = small.renderHtml(heavyMarkdown('busy-2', 40_000));
    const refused = small.renderHtml('one too many').catch((e: unknown) => e);
    expect(await refused).toBeInstanceOf(Unavailable);
    expect((await refused) as Unavailable).toMatchObject({ status: 503, retryAfterSeconds: 5 });
    expect(((await refused) as Unavailable).message).toMatch(/Try again in 5 seconds/);
    await Promise.all([running, waiting]);
    expect(small.pending).toBe(0);
  });

  it('answers a text over the size limit with a message naming the field', async () => {
    const attempt = pool().render('a'.repeat(MAX_MARKDOWN_CHARS + 1), { field: 'bio' });
    await expect(attempt).rejects.toMatchObject({
      status: 422,
      fields: { bio: expect.stringMatching(/limit is 200,000/) },
    });
  });

  it('fails waiting and running jobs when closed, without hanging', async () => {
    const closing = pool();
    const job = closing.renderHtml(heavyMarkdown('closing', 40_000)).catch((e: unknown) => e);
    await closing.close();
    expect(await job).toMatchObject({ message: expect.stringMatching(/stopped/) });
    await expect(closing.renderHtml('after')).rejects.toThrow(/stopped/);
  });
});
