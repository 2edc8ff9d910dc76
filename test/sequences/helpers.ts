import type { Queryable } from '../../src/db/database.js';
import { addChapter } from '../../src/sequences/arrange.js';
import { addPostToSequence, createSequence, loadLayout } from '../../src/sequences/service.js';
import { type makeTestApp, TestClient } from '../helpers/app.js';
import { actorOf, makePost, makeUser, type TestUser } from '../helpers/factories.js';

export type TestApp = Awaited<ReturnType<typeof makeTestApp>>['app'];

export async function loggedIn(app: TestApp, db: Queryable, user?: TestUser) {
  const who = user ?? (await makeUser(db));
  const client = new TestClient(app);
  await client.logIn(who.username, who.password);
  return { client, user: who };
}

/**
 * A sequence by `authorId` with chapters named as given, each holding new published posts titled as given:
 * `{ 'Part one': ['A', 'B'], 'Part two': ['C'] }`. Returns the ids by title.
 */
export async function makeSequence(
  db: Queryable,
  authorId: string,
  chapters: Record<string, string[]>,
  title = 'A sequence',
) {
  const author = actorOf(authorId);
  const { id } = await createSequence(db, { authorId, title, description: 'About *things*.' });
  const postIds: Record<string, string> = {};
  const chapterIds: Record<string, string> = {};
  for (const [index, [chapterTitle, titles]] of Object.entries(chapters).entries()) {
    let chapterId: string;
    if (index === 0) {
      chapterId = (await loadLayout(db, id)).layout.chapters[0]!.id;
      await db.query('UPDATE sequence_chapters SET title = $2 WHERE id = $1', [chapterId, chapterTitle]);
    } else {
      chapterId = (await addChapter(db, author, { sequenceId: id, title: chapterTitle })).id;
    }
    chapterIds[chapterTitle] = chapterId;
    for (const postTitle of titles) {
      const post = await makePost(db, { authorId, title: postTitle });
      postIds[postTitle] = post.id;
      await addPostToSequence(db, author, { sequenceId: id, postId: post.id, chapterId });
    }
  }
  return { id, postIds, chapterIds };
}

/** Everything stored about a sequence, to show that a refused change changed nothing. */
export async function snapshot(db: Queryable, sequenceId: string) {
  const [sequence] = await db.query(
    'SELECT title, description_markdown, post_count, karma, updated_at FROM sequences WHERE id = $1',
    [sequenceId],
  );
  const chapters = await db.query(
    'SELECT id, title, position FROM sequence_chapters WHERE sequence_id = $1 ORDER BY position',
    [sequenceId],
  );
  const posts = await db.query(
    'SELECT post_id, chapter_id, position FROM sequence_posts WHERE sequence_id = $1 ORDER BY chapter_id, position',
    [sequenceId],
  );
  return { sequence, chapters, posts };
}

/** Post titles in reading order as a page lists them (links to /s/:id/p/:postId). */
export function linkedTitles(html: string, sequenceId: string): string[] {
  const pattern = new RegExp(`<a href="/s/${sequenceId}/p/[0-9A-Za-z]{17}">([^<]*)</a>`, 'g');
  return [...html.matchAll(pattern)].map((m) => m[1]!);
}
