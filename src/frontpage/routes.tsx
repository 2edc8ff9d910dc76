import { Hono } from 'hono';
import { newCommentCounts } from '../comments/queries.js';
import type { AppEnv } from '../web/context.js';
import { pageContext } from '../web/page.js';
import { latestPosts } from './queries.js';
import { FrontPage } from './views.js';

export const FRONTPAGE_SIZE = 30;

export const frontpageRoutes = new Hono<AppEnv>().get('/', async (c) => {
  const db = c.var.deps.db;
  const posts = await latestPosts(db, FRONTPAGE_SIZE);
  const user = c.var.user;
  const newCounts = user ? await newCommentCounts(db, user.id, posts.map((p) => p.id)) : new Map<string, number>();
  return c.html(<FrontPage ctx={pageContext(c)} posts={posts} newCounts={newCounts} />);
});
