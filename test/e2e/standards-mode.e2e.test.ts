import { describe, expect, it } from 'vitest';
import { issueAccountToken } from '../../src/accounts/tokens.js';
import { unsubscribeToken } from '../../src/mail/unsubscribe.js';
import { createTag } from '../../src/tags/service.js';
import { makeTestApp } from '../helpers/app.js';
import { actorOf, makeComment, makePost, makeUser } from '../helpers/factories.js';
import { NOT_PAGES } from '../helpers/page-tour.js';
import { logInAs, useBrowserTest } from '../helpers/server.js';
import { makeSequence } from '../sequences/helpers.js';

const { db, server, browser } = useBrowserTest();

describe('every page in standards mode', () => {
  it('renders every kind of page with a doctype, so browsers use standards mode (CSS1Compat)', async () => {
    const author = await makeUser(db, { username: 'standards_author' });
    const post = await makePost(db, { authorId: author.id, title: 'Standard post' });
    const comment = await makeComment(db, { postId: post.id, authorId: author.id });
    // Someone else's, for the report forms.
    const othersPost = await makePost(db, { title: 'Someone else’s post' });
    const othersComment = await makeComment(db, { postId: othersPost.id });
    await db.query(`UPDATE posts SET title = 'Standard post' WHERE id = $1`, [post.id]);
    const sequence = await makeSequence(db, author.id, { One: ['Sequenced post'] });
    const postPath = `/posts/${post.id}/standard-post`;
    const sequencedId = sequence.postIds['Sequenced post']!;
    await db.query('UPDATE users SET karma = 50 WHERE id = $1', [author.id]);
    const tag = await createTag(db, actorOf(author.id, { karma: 50 }), {
      name: 'Standard tag',
      description: 'A tag with $x^2$.',
    });

    // Links as email brings them (GET pages: opening them changes nothing).
    const link = async (purpose: 'verify-email' | 'change-email' | 'reset-password') =>
      (await issueAccountToken(db, { userId: author.id, purpose, email: `standards_${purpose}@example.org` })).token;

    // Every GET route that answers a page, with a real address. A new page route without one fails the test.
    const pages: Record<string, string> = {
      '/': '/',
      '/posts': '/posts?view=recent',
      '/discussion': '/discussion',
      '/signup': '/signup',
      '/login': '/login',
      '/posts/new': '/posts/new',
      '/posts/:postId/edit': `/posts/${post.id}/edit`,
      '/posts/:postId/:slug?': postPath,
      '/posts/:postId/:slug/history': `${postPath}/history`,
      '/posts/:postId/:slug/history/:number': `${postPath}/history/1`,
      '/posts/:postId/:slug/comment/:commentId': `${postPath}/comment/${comment.id}`,
      '/posts/:postId/:slug/comment/:commentId/reply': `${postPath}/comment/${comment.id}/reply`,
      '/comments/:commentId/edit': `/comments/${comment.id}/edit`,
      '/sequences': '/sequences',
      '/sequences/new': '/sequences/new',
      '/s/:sequenceId': `/s/${sequence.id}`,
      '/s/:sequenceId/edit': `/s/${sequence.id}/edit`,
      '/s/:sequenceId/p/:postId': `/s/${sequence.id}/p/${sequencedId}`,
      '/users/:username': `/users/${author.username}`,
      '/users/:username/edit': `/users/${author.username}/edit`,
      '/tags': '/tags',
      '/tags/new': '/tags/new',
      '/tags/:slug': `/tags/${tag.slug}`,
      '/tags/:slug/edit': `/tags/${tag.slug}/edit`,
      '/tags/:slug/history': `/tags/${tag.slug}/history`,
      '/tags/:slug/history/:number': `/tags/${tag.slug}/history/1`,
      '/search': '/search?q=standard',
      // Seen by the author (not an admin or moderator) as their 403 pages, in the layout like every page.
      '/admin/settings': '/admin/settings',
      '/moderation': '/moderation',
      '/moderation/log': '/moderation/log',
      '/reports': '/reports',
      '/reports/post/:postId': `/reports/post/${othersPost.id}`,
      '/reports/comment/:commentId': `/reports/comment/${othersComment.id}`,
      '/settings/commenter-bans': '/settings/commenter-bans',
      '/settings': '/settings',
      '/forgot-password': '/forgot-password',
      '/reset-password': `/reset-password?token=${await link('reset-password')}`,
      '/verify-email': `/verify-email?token=${await link('verify-email')}`,
      '/confirm-email': `/confirm-email?token=${await link('change-email')}`,
      '/unsubscribe': `/unsubscribe?token=${await unsubscribeToken(db, { userId: author.id, topic: 'reply' })}`,
      // Seen by the author as its 403 page.
      '/admin/outbox': '/admin/outbox',
      '/notifications': '/notifications',
      '/settings/notifications': '/settings/notifications',
      '/subscriptions/:type/:key': `/subscriptions/post/${othersPost.id}`,
    };
    const { app } = await makeTestApp(db);
    const getRoutes = [...new Set(app.routes.filter((r) => r.method === 'GET').map((r) => r.path))].filter(
      (path) => path !== '/*' && !NOT_PAGES.test(path),
    );
    expect(getRoutes.filter((path) => !(path in pages))).toEqual([]);

    const page = await browser.newPage();
    await logInAs(page, server.url, author);
    const modes: Record<string, string> = {};
    for (const url of [...Object.values(pages), '/no/such/page', '/?view=hottest']) {
      await page.goto(`${server.url}${url}`);
      modes[url] = await page.evaluate(() => document.compatMode);
    }
    // A logged-out reader's pages (the cached ones among them) and an error page too.
    const anonymous = await browser.newPage();
    for (const url of ['/', postPath, '/login', '/no/such/page']) {
      await anonymous.goto(`${server.url}${url}`);
      modes[`anonymous ${url}`] = await anonymous.evaluate(() => document.compatMode);
    }
    expect(Object.entries(modes).filter(([, mode]) => mode !== 'CSS1Compat')).toEqual([]);
  });
});
