import { Hono } from 'hono';
import type { AppEnv } from '../web/context.js';
import { pageContext } from '../web/page.js';
import { latestPosts } from './queries.js';
import { FrontPage } from './views.js';

export const FRONTPAGE_SIZE = 30;

export const frontpageRoutes = new Hono<AppEnv>().get('/', async (c) => {
  const posts = await latestPosts(c.var.deps.db, FRONTPAGE_SIZE);
  return c.html(<FrontPage ctx={pageContext(c)} posts={posts} />);
});
