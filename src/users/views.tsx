import { raw } from 'hono/html';
import { postPath } from '../posts/paths.js';
import { Layout, type PageContext } from '../web/layout.js';
import { Time } from '../web/time.js';
import type { Profile, ProfilePost } from './queries.js';

function PostLine({ post, editable }: { post: ProfilePost; editable: boolean }) {
  return (
    <li class="post-item">
      <span class="post-score" title="Karma">
        {post.baseScore}
      </span>
      <div class="post-item-main">
        <h3 class="post-item-title">
          <a href={post.status === 'draft' ? `/posts/${post.id}/edit` : postPath(post)}>{post.title}</a>
        </h3>
        <p class="post-meta">
          {post.publishedAt && post.status === 'published' ? (
            <Time date={post.publishedAt} />
          ) : (
            <>
              draft, saved <Time date={post.updatedAt} />
            </>
          )}
          {editable && post.status === 'published' ? (
            <>
              {' '}
              · <a href={`/posts/${post.id}/edit`}>Edit</a>
            </>
          ) : null}
        </p>
      </div>
    </li>
  );
}

export function ProfilePage(props: { ctx: PageContext; profile: Profile; posts: ProfilePost[]; isOwner: boolean }) {
  const { profile } = props;
  const published = props.posts.filter((p) => p.status === 'published');
  const drafts = props.posts.filter((p) => p.status === 'draft');
  return (
    <Layout ctx={props.ctx} title={profile.displayName}>
      <section class="narrow profile">
        <h1>{profile.displayName}</h1>
        <p class="post-meta">
          @{profile.username} · {profile.karma} karma · joined <Time date={profile.createdAt} style="date" />
        </p>
        {profile.bioHtml ? <div class="bio content">{raw(profile.bioHtml)}</div> : null}
        <h2>Posts</h2>
        {published.length === 0 ? (
          <p class="empty">No posts yet.</p>
        ) : (
          <ol class="post-list">
            {published.map((post) => (
              <PostLine post={post} editable={props.isOwner} />
            ))}
          </ol>
        )}
        {props.isOwner ? (
          <>
            <h2>Drafts</h2>
            {drafts.length === 0 ? (
              <p class="empty">No drafts.</p>
            ) : (
              <ol class="post-list drafts">
                {drafts.map((post) => (
                  <PostLine post={post} editable />
                ))}
              </ol>
            )}
          </>
        ) : null}
      </section>
    </Layout>
  );
}
