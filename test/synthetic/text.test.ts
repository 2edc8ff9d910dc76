import { describe, expect, it } from 'vitest';
import { poolJobs, poolLayout } from '../../src/synthetic/plan.js';
import { renderBodies } from '../../src/synthetic/render-pool.js';

describe('generated bodies', () => {
  it('render through the app pipeline with inline and display math, footnotes and varied lengths, no errors', async () => {
    const layout = poolLayout(
      { users: 20, posts: 150, comments: 600, votes: 0, sequences: 10 },
      { posts: 150, comments: 600, bios: 20, descriptions: 10 },
    );
    const jobs = poolJobs(layout, 1);
    const bodies = await renderBodies(jobs, 0);
    expect(bodies).toHaveLength(layout.total);
    expect(bodies.filter((b) => b.html.includes('math-error'))).toEqual([]);
    const posts = bodies.slice(0, 150);
    const comments = bodies.slice(150, 750);
    expect(posts.filter((b) => b.html.includes('class="katex"')).length).toBeGreaterThan(30);
    expect(posts.filter((b) => b.html.includes('katex-display')).length).toBeGreaterThan(10);
    expect(posts.filter((b) => b.html.includes('footnote')).length).toBeGreaterThan(20);
    expect(comments.filter((b) => b.html.includes('class="katex"')).length).toBeGreaterThan(60);
    const words = comments.map((b) => b.wordCount).sort((a, b) => a - b);
    expect(words[0]).toBeLessThan(30);
    expect(words.at(-1)).toBeGreaterThan(300);
    expect(posts.every((b) => b.excerpt.length > 0 && b.excerpt.length <= 301)).toBe(true);
  });

  it('render the same in a worker thread as in this one', async () => {
    const jobs = poolJobs(poolLayout({ users: 1, posts: 20, comments: 60, votes: 0, sequences: 0 }), 4);
    expect(await renderBodies(jobs, 1)).toEqual(await renderBodies(jobs, 0));
  });

  it('are the same for the same seed', () => {
    const layout = poolLayout({ users: 1, posts: 5, comments: 5, votes: 0, sequences: 0 });
    expect(poolJobs(layout, 9)).toEqual(poolJobs(layout, 9));
    expect(poolJobs(layout, 9)).not.toEqual(poolJobs(layout, 10));
  });
});
