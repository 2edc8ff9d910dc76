import pino from 'pino';
import { issueAccountToken } from '../../src/accounts/tokens.js';
import { addComment } from '../../src/comments/service.js';
import type { Queryable } from '../../src/db/database.js';
import { loadDemoContent } from '../../src/demo/seed.js';
import { runDueJobs } from '../../src/jobs/queue.js';
import { registerMailJob, sendMail } from '../../src/mail/send.js';
import { mailTransport } from '../../src/mail/transport.js';
import { unsubscribeToken } from '../../src/mail/unsubscribe.js';
import { removeComment } from '../../src/moderation/service.js';
import { savePost } from '../../src/posts/service.js';
import { reportableComment } from '../../src/reports/queries.js';
import { fileReport } from '../../src/reports/service.js';
import { editTag } from '../../src/tags/service.js';
import { makeSequence } from '../sequences/helpers.js';
import { actorOf, makeComment, makePost, makeUser, type TestUser } from './factories.js';

/**
 * Who looks at a page: a logged-out reader, the tour's author (who may edit what the tour made), or the tour's
 * admin (the admin pages).
 */
export type Viewer = 'reader' | 'author' | 'admin';

export interface TourPage {
  /** The route in the app's route table that answers it (or a name for an error page). */
  route: string;
  path: string;
  as: Viewer;
}

/** A post body with what stresses a page: numbered display math, a footnote, a table, code and a long word. */
export const TOUR_POST_MARKDOWN = [
  'Inline math $\\sum_{i=1}^n x_i^2$ and a footnote.[^1]',
  '',
  // Wider than a phone's column: its numbers must not lie over it.
  '$$\\begin{align} f(x) &= \\int_0^x e^{-t^2}\\,dt + \\frac{\\alpha^2}{1+\\beta} + \\sum_{k=0}^{n} \\binom{n}{k} x^k y^{n-k} \\\\ g(x) &= f(x)^2 \\end{align}$$',
  '',
  '$$\\operatorname{loss}(q) = -\\log q \\tag{7}$$',
  '',
  '| a | b |',
  '|---|---|',
  '| 1 | 2 |',
  '',
  '```ts',
  'const x = 1;',
  '```',
  '',
  '[^1]: The note.',
].join('\n');

/**
 * Fills the database with the demo forum plus what the demo lacks (a revised post, a draft, a reply thread, a
 * sequence the author owns) and lists every page type with a real address, once for each viewer who sees it
 * differently. The author logs in with `author.username` and `author.password`.
 */
export async function makePageTour(db: Queryable): Promise<{ author: TestUser; admin: TestUser; pages: TourPage[] }> {
  await loadDemoContent(db);
  const author = await makeUser(db, { username: 'tour_author' });
  const admin = await makeUser(db, { username: 'tour_admin', role: 'admin' });
  // Enough karma to create and edit tags, so the tag forms are on the tour.
  await db.query('UPDATE users SET karma = 50 WHERE id = $1', [author.id]);
  const post = await makePost(db, {
    authorId: author.id,
    title: 'A tour of everything a post can hold, with a title long enough to wrap on a phone',
    markdown: TOUR_POST_MARKDOWN,
  });
  await savePost(
    db,
    actorOf(author.id),
    post.id,
    { title: post.title, body: `${TOUR_POST_MARKDOWN}\n\nA paragraph added later.`, note: 'Added a paragraph' },
    'save',
  );
  const [{ slug } = { slug: '' }] = await db.query<{ slug: string }>('SELECT slug FROM posts WHERE id = $1', [post.id]);
  const postPath = `/posts/${post.id}/${slug}`;
  const comment = await makeComment(db, { postId: post.id, authorId: author.id, markdown: 'A comment with $x^2$.' });
  await makeComment(db, { postId: post.id, parentId: comment.id, markdown: 'A reply.' });
  await makePost(db, { authorId: author.id, title: 'An unfinished draft', publish: false });
  const sequence = await makeSequence(db, author.id, { 'Part one': ['First in line', 'Second in line'] });
  const inSequence = `/s/${sequence.id}/p/${sequence.postIds['First in line']}`;

  // The demo post with the most discussion: math, footnotes and a deep comment tree by other people.
  const [demo] = await db.query<{ id: string; slug: string; comment: string }>(
    `SELECT p.id, p.slug, (SELECT c.id FROM comments c WHERE c.post_id = p.id ORDER BY c.created_at LIMIT 1) AS comment
       FROM posts p ORDER BY p.comment_count DESC LIMIT 1`,
  );
  const demoPath = `/posts/${demo!.id}/${demo!.slug}`;
  const [demoSequence] = await db.query<{ id: string }>(
    `SELECT id FROM sequences WHERE author_id <> $1 ORDER BY created_at LIMIT 1`,
    [author.id],
  );
  const profile = `/users/${author.username}`;
  // A demo tag with math in its description, revised once so its history has a diff to show.
  const [tag] = await db.query<{ id: string; slug: string; name: string; description: string }>(
    `SELECT id, slug, name, description_markdown AS description FROM tags
      ORDER BY (description_markdown LIKE '%$%') DESC, post_count DESC LIMIT 1`,
  );
  await editTag(db, actorOf(author.id, { karma: 50 }), tag!.id, {
    name: tag!.name,
    description: `${tag!.description}\n\nA sentence added on the tour.`,
    note: 'Added a sentence',
  });
  const tagPage = `/tags/${tag!.slug}`;

  // The moderators' pages with something on them: a post and a comment held for review, an open report (by the
  // author, so "Your reports" lists it), and a removal in the log.
  const newcomer = await makeUser(db, { username: 'tour_newcomer' });
  const held = await makePost(db, { authorId: newcomer.id, title: 'A first post, held for review', publish: false });
  await db.query(`UPDATE posts SET status = 'pending', submitted_at = now() WHERE id = $1`, [held.id]);
  await addComment(db, { postId: demo!.id, authorId: newcomer.id, markdown: 'A first comment, held.', hold: true });
  const reported = await reportableComment(db, demo!.comment);
  await fileReport(db, actorOf(author.id), reported!, 'It reads like an advertisement.');
  const removable = await makeComment(db, { postId: demo!.id, markdown: 'Buy my course.' });
  await removeComment(db, actorOf(admin.id, { role: 'admin' }), removable.id, 'Advertising');

  // Links as email brings them (for the newcomer, so the author's login stays as it is), and an email kept in the
  // outbox (no SMTP_URL).
  const link = async (purpose: 'verify-email' | 'change-email' | 'reset-password', email = newcomer.email) =>
    encodeURIComponent((await issueAccountToken(db, { userId: newcomer.id, purpose, email })).token);
  const links = {
    reset: await link('reset-password'),
    verify: await link('verify-email'),
    change: await link('change-email', 'tour_newcomer_moved@example.org'),
    unsubscribe: encodeURIComponent(await unsubscribeToken(db, { userId: newcomer.id, topic: 'reply' })),
  };
  registerMailJob({
    transport: mailTransport(undefined),
    from: 'Lyceum <noreply@localhost>',
    baseUrl: 'http://localhost',
    logger: pino({ level: 'silent' }),
  });
  await sendMail(
    db,
    { userId: newcomer.id, subject: 'A reply <to you>', text: 'A reply.', html: '<p>A reply.</p>', account: true },
    { key: 'page-tour' },
  );
  await runDueJobs(db);

  const both = (route: string, path: string): TourPage[] => [
    { route, path, as: 'reader' },
    { route, path, as: 'author' },
  ];
  const pages: TourPage[] = [
    ...both('/', '/'),
    ...both('/posts', '/posts?view=recent'),
    ...both('/discussion', '/discussion'),
    ...both('/posts/:postId/:slug?', demoPath),
    ...both('/posts/:postId/:slug?', postPath),
    ...both('/posts/:postId/:slug/comment/:commentId', `${demoPath}/comment/${demo!.comment}`),
    ...both('/posts/:postId/:slug/comment/:commentId', `${postPath}/comment/${comment.id}`),
    // Revision history looks the same to everyone.
    { route: '/posts/:postId/:slug/history', path: `${postPath}/history`, as: 'reader' },
    { route: '/posts/:postId/:slug/history/:number', path: `${postPath}/history/2`, as: 'reader' },
    { route: '/posts/:postId/:slug/history/:number', path: `${postPath}/history/1`, as: 'reader' },
    ...both('/users/:username', profile),
    ...both('/users/:username', `${profile}?tab=sequences`),
    ...both('/users/:username', `${profile}?tab=comments`),
    { route: '/users/:username', path: `${profile}?tab=drafts`, as: 'author' },
    { route: '/users/:username/edit', path: `${profile}/edit`, as: 'author' },
    ...both('/sequences', '/sequences'),
    ...both('/s/:sequenceId', `/s/${sequence.id}`),
    ...both('/s/:sequenceId', `/s/${demoSequence!.id}`),
    ...both('/s/:sequenceId/p/:postId', inSequence),
    { route: '/sequences/new', path: '/sequences/new', as: 'author' },
    { route: '/s/:sequenceId/edit', path: `/s/${sequence.id}/edit`, as: 'author' },
    { route: '/posts/new', path: '/posts/new', as: 'author' },
    { route: '/posts/:postId/edit', path: `/posts/${post.id}/edit`, as: 'author' },
    {
      route: '/posts/:postId/:slug/comment/:commentId/reply',
      path: `${postPath}/comment/${comment.id}/reply`,
      as: 'author',
    },
    { route: '/comments/:commentId/edit', path: `/comments/${comment.id}/edit`, as: 'author' },
    ...both('/tags', '/tags'),
    ...both('/tags', '/tags?sort=name'),
    ...both('/tags/:slug', tagPage),
    ...both('/tags/:slug', `${tagPage}?sort=new`),
    { route: '/tags/:slug/history', path: `${tagPage}/history`, as: 'reader' },
    { route: '/tags/:slug/history/:number', path: `${tagPage}/history/2`, as: 'reader' },
    { route: '/tags/new', path: '/tags/new', as: 'author' },
    { route: '/tags/:slug/edit', path: `${tagPage}/edit`, as: 'author' },
    ...both('/search', '/search'),
    ...both('/search', '/search?q=scoring'),
    ...both('/search', `/search?q=${encodeURIComponent('\\frac')}`),
    { route: '/search', path: '/search?q=proper&tab=comments', as: 'reader' },
    { route: '/search', path: '/search?q=ada&tab=users', as: 'reader' },
    { route: '/search', path: '/search?q=decision&tab=tags', as: 'reader' },
    { route: '/search', path: '/search?q=scoring&tab=sequences', as: 'reader' },
    { route: '/login', path: '/login', as: 'reader' },
    { route: '/signup', path: '/signup', as: 'reader' },
    { route: 'not found', path: '/no/such/page', as: 'reader' },
    { route: '/admin/settings', path: '/admin/settings', as: 'admin' },
    { route: '/moderation', path: '/moderation', as: 'admin' },
    ...both('/moderation/log', '/moderation/log'),
    { route: '/reports', path: '/reports', as: 'author' },
    { route: '/reports/post/:postId', path: `/reports/post/${demo!.id}`, as: 'author' },
    { route: '/reports/comment/:commentId', path: `/reports/comment/${demo!.comment}`, as: 'author' },
    { route: '/settings/commenter-bans', path: '/settings/commenter-bans', as: 'author' },
    { route: '/settings', path: '/settings', as: 'author' },
    { route: '/settings', path: '/settings?changed=password', as: 'author' },
    { route: '/settings', path: '/settings?changed=email', as: 'author' },
    { route: '/forgot-password', path: '/forgot-password', as: 'reader' },
    { route: '/forgot-password', path: '/forgot-password?sent=1', as: 'reader' },
    { route: '/reset-password', path: `/reset-password?token=${links.reset}`, as: 'reader' },
    { route: '/verify-email', path: `/verify-email?token=${links.verify}`, as: 'reader' },
    { route: '/confirm-email', path: `/confirm-email?token=${links.change}`, as: 'author' },
    ...both('/unsubscribe', `/unsubscribe?token=${links.unsubscribe}`),
    { route: '/admin/outbox', path: '/admin/outbox', as: 'admin' },
    // The author's inbox holds the reply to their comment above.
    { route: '/notifications', path: '/notifications', as: 'author' },
    { route: '/settings/notifications', path: '/settings/notifications', as: 'author' },
    { route: '/subscriptions/:type/:key', path: `/subscriptions/post/${demo!.id}?next=${demoPath}`, as: 'author' },
  ];
  return { author, admin, pages };
}

/** Not pages: JSON for the client script, feeds, assets, the health check, the live-update event stream. */
export const NOT_PAGES = /^\/(api|static|healthz|live$)|\.(xml|rss|atom)$|feed|comments\.(rss|atom)/;

/** The page routes (GET, answering HTML) in an app's route table that no tour page visits. */
export function routesMissingFrom(pages: TourPage[], routes: { method: string; path: string }[]): string[] {
  const visited = new Set(pages.map((p) => p.route));
  const pageRoutes = new Set(routes.filter((r) => r.method === 'GET' && r.path !== '/*').map((r) => r.path));
  return [...pageRoutes].filter((path) => !NOT_PAGES.test(path) && !visited.has(path));
}
