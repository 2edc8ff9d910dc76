import type { Context } from 'hono';
import { NotFound } from '../errors.js';
import type { PostRow } from '../posts/queries.js';
import type { AppEnv } from '../web/context.js';
import { Layout } from '../web/layout.js';
import { pageContext } from '../web/page.js';
import { removedNote } from './controls.js';

/**
 * A post a moderator removed, asked for by someone who may not see it (everyone but the staff). Anywhere a post
 * is looked up it is a 404 saying why; the post's own page answers 410 with its title and the reason instead.
 */
export class PostRemoved extends NotFound {
  constructor(readonly post: PostRow) {
    super(removedNote(post.removedReason ?? ''));
  }
}

/**
 * The post page of a removed post: 410 Gone, because the removal is deliberate and lasting (search engines and
 * feed readers drop the address, where a 200 would keep an empty page indexed), with the title so a reader
 * following a link knows what it was, and the reason in place of the text.
 */
export function showRemovedPost(c: Context<AppEnv>, removed: PostRemoved) {
  const { post } = removed;
  c.header('Cache-Control', 'no-store');
  return c.html(
    <Layout ctx={pageContext(c)} title={post.title} math={false}>
      <article class="post post-removed" aria-labelledby="post-title">
        <header class="post-header">
          <h1 id="post-title">{post.title}</h1>
        </header>
        <p class="removed-note">{removedNote(post.removedReason ?? '')}</p>
        <p>
          <a href="/moderation/log">See the moderation log</a>
        </p>
      </article>
    </Layout>,
    410,
  );
}
