import { Hono } from 'hono';
import { NotFound } from '../errors.js';
import type { AppEnv } from '../web/context.js';
import { pageContext } from '../web/page.js';
import { postsOfUser, profileByUsername } from './queries.js';
import { ProfilePage } from './views.js';

export const userRoutes = new Hono<AppEnv>().get('/users/:username', async (c) => {
  const username = c.req.param('username');
  const profile = username.length <= 32 ? await profileByUsername(c.var.deps.db, username) : undefined;
  if (!profile) throw new NotFound('There is no user with that name.');
  if (profile.username !== username) return c.redirect(`/users/${profile.username}`, 301);
  const isOwner = c.var.user?.id === profile.id;
  const posts = await postsOfUser(c.var.deps.db, profile.id, isOwner);
  return c.html(<ProfilePage ctx={pageContext(c)} profile={profile} posts={posts} isOwner={isOwner} />);
});
