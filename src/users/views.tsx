import { raw } from 'hono/html';
import type { Child } from 'hono/jsx';
import { userFeedRef } from '../feeds/links.js';
import { SubscribeLink } from '../notifications/links.js';
import { commentPath, postPath } from '../posts/paths.js';
import { Excerpt } from '../web/excerpt.js';
import { Field, FormError } from '../web/forms.js';
import { CsrfField, Layout, type PageContext } from '../web/layout.js';
import { Time } from '../web/time.js';
import type { Profile, ProfileComment, ProfilePost } from './queries.js';

export const PROFILE_TABS = ['posts', 'sequences', 'comments', 'drafts'] as const;
export type ProfileTab = (typeof PROFILE_TABS)[number];
const TAB_LABELS: Record<ProfileTab, string> = {
  posts: 'Posts',
  sequences: 'Sequences',
  comments: 'Comments',
  drafts: 'Drafts',
};

function PostLine({ post, editable }: { post: ProfilePost; editable: boolean }) {
  const draft = post.status === 'draft';
  const pending = post.status === 'pending';
  return (
    <li class="post-item">
      <span class="post-score" title="Karma">
        {post.baseScore}
      </span>
      <div class="post-item-main">
        <h3 class="post-item-title">
          <a href={draft ? `/posts/${post.id}/edit` : postPath(post)}>{post.title}</a>
        </h3>
        <p class="post-meta">
          {pending ? (
            <>
              <strong class="draft-badge">Awaiting review</strong> saved <Time date={post.updatedAt} />
            </>
          ) : post.publishedAt && !draft ? (
            <Time date={post.publishedAt} />
          ) : (
            <>
              draft, saved <Time date={post.updatedAt} />
            </>
          )}{' '}
          · {post.readingMinutes} min read
          {!draft && !pending ? (
            <> · {post.commentCount === 1 ? '1 comment' : `${post.commentCount} comments`}</>
          ) : null}
          {editable && !draft ? (
            <>
              {' '}
              · <a href={`/posts/${post.id}/edit`}>Edit</a>
            </>
          ) : null}
        </p>
        {draft && post.reviewRejection ? (
          <p class="notice">Not approved by the moderators: {post.reviewRejection}</p>
        ) : null}
      </div>
    </li>
  );
}

function CommentLine({ comment }: { comment: ProfileComment }) {
  const post = { id: comment.postId, slug: comment.postSlug };
  return (
    <li class="profile-comment">
      <p class="post-meta">
        on <a href={postPath(post)}>{comment.postTitle}</a> ·{' '}
        <a href={commentPath(post, comment.id)}>
          <Time date={comment.createdAt} />
        </a>{' '}
        · {comment.baseScore} karma{comment.retracted ? ' · retracted' : ''}
      </p>
      <p class="excerpt">
        <Excerpt text={comment.excerpt} html={comment.excerptHtml} />
      </p>
    </li>
  );
}

export type ProfileTabContent =
  | { tab: 'posts' | 'drafts'; posts: ProfilePost[] }
  | { tab: 'comments'; comments: ProfileComment[] }
  | { tab: 'sequences'; list: Child };

export function ProfilePage(props: {
  ctx: PageContext;
  profile: Profile;
  isOwner: boolean;
  content: ProfileTabContent;
  nextHref?: string | undefined;
  /** The ban in force and the staff's controls (moderation/views.tsx ProfileModeration). */
  moderation?: Child;
}) {
  const { profile, content } = props;
  const base = `/users/${profile.username}`;
  const tabs = PROFILE_TABS.filter((t) => t !== 'drafts' || props.isOwner);
  return (
    <Layout ctx={props.ctx} title={profile.displayName} feeds={[userFeedRef(profile)]}>
      <section class="narrow profile">
        <h1>{profile.displayName}</h1>
        <p class="post-meta">
          @{profile.username} · <span class="profile-karma">{profile.karma} karma</span> · joined{' '}
          <Time date={profile.createdAt} style="date" />
          {props.isOwner ? (
            <>
              {' '}
              · <a href={`${base}/edit`}>Edit profile</a>
            </>
          ) : (
            <>
              {' '}
              · <SubscribeLink type="user" targetKey={profile.username} next={base} />
            </>
          )}
        </p>
        {props.moderation}
        {profile.bioHtml ? <div class="bio content">{raw(profile.bioHtml)}</div> : null}
        <nav class="list-tabs profile-tabs" aria-label="Profile sections">
          {tabs.map((t) => (
            <a href={t === 'posts' ? base : `${base}?tab=${t}`} aria-current={t === content.tab ? 'page' : undefined}>
              {TAB_LABELS[t]}
            </a>
          ))}
        </nav>
        <h2 class="visually-hidden">{TAB_LABELS[content.tab]}</h2>
        {content.tab === 'sequences' ? (
          content.list
        ) : content.tab === 'comments' ? (
          content.comments.length === 0 ? (
            <p class="empty">No comments yet.</p>
          ) : (
            <ol class="profile-comments" data-list="profile">
              {content.comments.map((c) => (
                <CommentLine comment={c} />
              ))}
            </ol>
          )
        ) : content.posts.length === 0 ? (
          <p class="empty">{content.tab === 'drafts' ? 'No drafts.' : 'No posts yet.'}</p>
        ) : (
          <ol class="post-list" data-list="profile">
            {content.posts.map((post) => (
              <PostLine post={post} editable={props.isOwner} />
            ))}
          </ol>
        )}
        {props.nextHref ? (
          <p class="load-more">
            <a href={props.nextHref} data-load-more="profile">
              Load more
            </a>
          </p>
        ) : null}
      </section>
    </Layout>
  );
}

export function EditProfilePage(props: {
  ctx: PageContext;
  username: string;
  values: { displayName: string; bio: string };
  errors: Record<string, string>;
  message?: string | undefined;
}) {
  return (
    <Layout ctx={props.ctx} title="Edit profile">
      <section class="narrow">
        <h1>Edit profile</h1>
        <p>
          Your password and sessions are in your <a href="/settings">account settings</a>.
        </p>
        <form method="post" action={`/users/${props.username}/edit`} class="stack-form">
          <CsrfField token={props.ctx.csrfToken} />
          <FormError message={props.message} />
          <Field
            name="displayName"
            label="Display name"
            value={props.values.displayName}
            error={props.errors.displayName}
          />
          <div class={props.errors.bio ? 'field field-invalid' : 'field'}>
            <label for="field-bio">Bio</label>
            <p class="field-hint" id="field-bio-hint">
              Markdown, with math.
            </p>
            <textarea id="field-bio" name="bio" rows={8} aria-describedby="field-bio-hint">
              {props.values.bio}
            </textarea>
            {props.errors.bio ? <p class="field-error">{props.errors.bio}</p> : null}
          </div>
          <button type="submit">Save profile</button>
        </form>
      </section>
    </Layout>
  );
}
