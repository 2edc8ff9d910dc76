import { type Context, Hono } from 'hono';
import { z } from 'zod';
import { USERNAME_PATTERN } from '../accounts/validation.js';
import { cacheAs } from '../cache/middleware.js';
import { ALL_POSTS_TAG } from '../cache/page-cache.js';
import { renderPool } from '../content/pool.js';
import { decodeCursor, encodeCursor } from '../db/cursor.js';
import { type AppError, Forbidden, Invalid, NotFound } from '../errors.js';
import { ProfileModeration } from '../moderation/views.js';
import { activeBan } from '../policy/actor.js';
import { canBan, canChangeRoleOf, canEditProfile, canViewDraftsOf } from '../policy/policy.js';
import { sequencesOfUser } from '../sequences/list-queries.js';
import { ProfileSequences } from '../sequences/post-views.js';
import type { AppEnv } from '../web/context.js';
import { formStrings, parseInput, parseNamingFields } from '../web/forms.js';
import { pageContext } from '../web/page.js';
import {
  commentsOfUser,
  draftsOfUser,
  type Profile,
  profileByUsername,
  publishedPostsOfUser,
  updateProfile,
} from './queries.js';
import { profileInput } from './validation.js';
import { EditProfilePage, PROFILE_TABS, ProfilePage, type ProfileTabContent } from './views.js';

const PROFILE_PAGE_SIZE = 20;
const MAX_DRAFTS_SHOWN = 200;

async function findProfile(c: Context<AppEnv>): Promise<Profile> {
  const username = c.req.param('username') ?? '';
  const profile =
    USERNAME_PATTERN.test(username) && username.length <= 32
      ? await profileByUsername(c.get('deps').db, username)
      : undefined;
  if (!profile) throw new NotFound('There is no user with that name.');
  return profile;
}

const profileQuery = z.object({
  tab: z.enum(PROFILE_TABS, { error: 'tab must be posts, sequences, comments or drafts.' }).default('posts'),
  after: z.string().optional(),
});

export const userRoutes = new Hono<AppEnv>()
  .get('/users/:username', async (c) => {
    const profile = await findProfile(c);
    if (profile.username !== c.req.param('username')) return c.redirect(`/users/${profile.username}`, 301);
    // The drafts tab and unfinished sequences are their author's alone.
    const isOwner = canViewDraftsOf(c.get('user'), profile);
    cacheAs(c, [ALL_POSTS_TAG, `user:${profile.id}`]);
    const { tab, after } = parseNamingFields(profileQuery, c.req.query());
    if (tab === 'drafts' && !isOwner) throw new NotFound('This profile has no such tab.');
    const db = c.get('deps').db;
    const list = `profile-${profile.id}-${tab}`;
    const cursor = decodeCursor(after, list);
    let content: ProfileTabContent;
    let next: { key: string; id: string } | undefined;
    if (tab === 'comments') {
      const rows = await commentsOfUser(db, profile.id, PROFILE_PAGE_SIZE + 1, cursor);
      content = { tab, comments: rows.slice(0, PROFILE_PAGE_SIZE) };
      const last = content.comments.at(-1);
      if (rows.length > PROFILE_PAGE_SIZE && last) next = { key: last.createdAt.toISOString(), id: last.id };
    } else if (tab === 'drafts') {
      content = { tab, posts: await draftsOfUser(db, profile.id, MAX_DRAFTS_SHOWN) };
    } else if (tab === 'sequences') {
      // Sequences announce their changes under "sequences" (migration 0005).
      cacheAs(c, [ALL_POSTS_TAG, `user:${profile.id}`, 'sequences']);
      const sequences = await sequencesOfUser(db, profile.id, isOwner);
      content = { tab, list: <ProfileSequences sequences={sequences} isOwner={isOwner} /> };
    } else {
      const rows = await publishedPostsOfUser(db, profile.id, PROFILE_PAGE_SIZE + 1, cursor);
      content = { tab, posts: rows.slice(0, PROFILE_PAGE_SIZE) };
      const last = content.posts.at(-1);
      if (rows.length > PROFILE_PAGE_SIZE && last?.publishedAt)
        next = { key: last.publishedAt.toISOString(), id: last.id };
    }
    const nextHref = next
      ? `/users/${profile.username}?tab=${tab}&after=${encodeCursor({ list, ...next })}`
      : undefined;
    const moderation = (
      <ProfileModeration
        ctx={pageContext(c)}
        username={profile.username}
        role={profile.role}
        ban={activeBan(profile)}
        isOwner={isOwner}
        canBan={canBan(c.get('user'), profile)}
        canChangeRole={canChangeRoleOf(c.get('user'), profile)}
      />
    );
    return c.html(
      <ProfilePage
        ctx={pageContext(c)}
        profile={profile}
        isOwner={isOwner}
        content={content}
        nextHref={nextHref}
        moderation={moderation}
      />,
    );
  })
  .get('/users/:username/edit', async (c) => {
    const profile = await findProfile(c);
    if (!canEditProfile(c.get('user'), profile)) throw new Forbidden('You can only edit your own profile.');
    return c.html(
      <EditProfilePage
        ctx={pageContext(c)}
        username={profile.username}
        values={{ displayName: profile.displayName, bio: profile.bioMarkdown }}
        errors={{}}
      />,
    );
  })
  .post('/users/:username/edit', async (c) => {
    const profile = await findProfile(c);
    if (!canEditProfile(c.get('user'), profile)) throw new Forbidden('You can only edit your own profile.');
    const form = formStrings(await c.req.parseBody());
    const values = { displayName: form.displayName ?? '', bio: form.bio ?? '' };
    try {
      const input = parseInput(profileInput, values);
      await updateProfile(c.get('deps').db, profile.id, {
        displayName: input.displayName,
        bioMarkdown: input.bio,
        bioHtml: input.bio.trim() ? await renderPool().renderHtml(input.bio, { field: 'bio' }) : '',
      });
      return c.redirect(`/users/${profile.username}`, 303);
    } catch (error) {
      if (!(error instanceof Invalid)) throw error;
      return c.html(
        <EditProfilePage ctx={pageContext(c)} username={profile.username} values={values} errors={error.fields} />,
        (error as AppError).status,
      );
    }
  });
