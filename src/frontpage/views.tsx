import { postPath } from '../posts/paths.js';
import { Layout, type PageContext } from '../web/layout.js';
import { Time } from '../web/time.js';
import type { PostListItem } from './queries.js';

function plural(n: number, one: string, many = `${one}s`) {
  return `${n} ${n === 1 ? one : many}`;
}

export function PostListRow({ post, newCount = 0 }: { post: PostListItem; newCount?: number }) {
  return (
    <li class="post-item">
      <span class="post-score" title="Karma">
        {post.baseScore}
      </span>
      <div class="post-item-main">
        <h3 class="post-item-title">
          <a href={postPath(post)}>{post.title}</a>
        </h3>
        <p class="post-meta">
          <a href={`/users/${post.authorUsername}`}>{post.authorDisplayName}</a> · <Time date={post.publishedAt} /> ·{' '}
          {post.readingMinutes} min read ·{' '}
          <a href={`${postPath(post)}#comments`}>{plural(post.commentCount, 'comment')}</a>
          {newCount > 0 ? <span class="new-mark"> ({newCount} new)</span> : null}
        </p>
        {post.excerpt ? <p class="post-excerpt">{post.excerpt}</p> : null}
      </div>
    </li>
  );
}

export function FrontPage({
  ctx,
  posts,
  newCounts,
}: {
  ctx: PageContext;
  posts: PostListItem[];
  newCounts: Map<string, number>;
}) {
  return (
    <Layout ctx={ctx} title="Lyceum" math={false} description="A forum for research communities.">
      <section class="frontpage" aria-labelledby="latest-heading">
        <h1 class="visually-hidden">Lyceum</h1>
        <h2 id="latest-heading">Latest posts</h2>
        {posts.length === 0 ? (
          <p class="empty">No posts yet.</p>
        ) : (
          <ol class="post-list">
            {posts.map((post) => (
              <PostListRow post={post} newCount={newCounts.get(post.id)} />
            ))}
          </ol>
        )}
      </section>
    </Layout>
  );
}
