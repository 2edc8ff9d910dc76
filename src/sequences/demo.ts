import type { Queryable } from '../db/database.js';
import { demoSequences } from '../demo/content.js';
import { actorFor } from '../policy/actor.js';
import { addChapter } from './arrange.js';
import { addPostToSequence, createSequence, loadLayout } from './service.js';

/**
 * Loads the demo sequences through the same services authors use, inside the demo loader's transaction. The
 * first chapter takes the place of the untitled one every new sequence starts with.
 */
export async function loadDemoSequences(
  tx: Queryable,
  postIdsByKey: ReadonlyMap<string, string>,
  userIdsByUsername: ReadonlyMap<string, string>,
): Promise<void> {
  for (const demo of demoSequences) {
    const authorId = userIdsByUsername.get(demo.author);
    if (!authorId) throw new Error(`Demo sequence names an unknown user: ${demo.author}`);
    const author = actorFor(authorId);
    const { id: sequenceId } = await createSequence(tx, { authorId, title: demo.title, description: demo.description });
    const { layout } = await loadLayout(tx, sequenceId);
    for (const [index, chapter] of demo.chapters.entries()) {
      let chapterId = layout.chapters[0]!.id;
      if (index === 0) {
        await tx.query('UPDATE sequence_chapters SET title = $2 WHERE id = $1', [chapterId, chapter.title]);
      } else {
        ({ id: chapterId } = await addChapter(tx, author, { sequenceId, title: chapter.title }));
      }
      for (const key of chapter.postKeys) {
        const postId = postIdsByKey.get(key);
        if (!postId) throw new Error(`Demo sequence names an unknown post: ${key}`);
        await addPostToSequence(tx, author, { sequenceId, postId, chapterId });
      }
    }
  }
}
