import { describe, expect, it } from 'vitest';
import { commentPath } from '../../src/posts/paths.js';
import { TestClient, useTestApp } from '../helpers/app.js';
import { makeComment, makePost, makeUser } from '../helpers/factories.js';
import { makeSequence } from '../sequences/helpers.js';

const { db, app } = useTestApp();

/** The levels of a page's headings in order (h1 → 1). */
function headingLevels(html: string): number[] {
  return [...html.matchAll(/<h([1-6])[\s>]/g)].map((m) => Number(m[1]));
}

// Assistive technology navigates by headings: every page has one h1, and no heading skips a level below the
// one before it (an h3 straight under an h1 reads as a missing section).
describe('the outline of every page type', () => {
  it('has one h1 and never skips a heading level', async () => {
    const author = await makeUser(db, { username: 'outline_author' });
    const post = await makePost(db, { authorId: author.id, title: 'Outlined', markdown: '## A section\n\nText.' });
    const comment = await makeComment(db, { postId: post.id, markdown: 'A comment.' });
    await makeComment(db, { postId: post.id, parentId: comment.id, markdown: 'A reply.' });
    const { id: sequenceId } = await makeSequence(db, author.id, { '': ['First in line'] }, 'Untitled chapters');
    const client = new TestClient(app);
    const pages = [
      '/',
      '/posts',
      '/discussion',
      '/sequences',
      `/s/${sequenceId}`,
      `/posts/${post.id}/outlined`,
      commentPath(post, comment.id),
      '/users/outline_author',
    ];
    for (const path of pages) {
      const response = await client.get(path);
      expect(response.status, path).toBe(200);
      const levels = headingLevels(await response.text());
      expect(
        levels.filter((level) => level === 1),
        path,
      ).toHaveLength(1);
      levels.forEach((level, i) => {
        if (i > 0)
          expect(level, `${path}: heading ${i + 1} (h${level}) after h${levels[i - 1]}`).toBeLessThanOrEqual(
            levels[i - 1]! + 1,
          );
      });
    }
  });
});
