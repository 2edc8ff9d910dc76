import { describe, expect, it } from 'vitest';
import { TestClient, useTestApp } from '../helpers/app.js';
import { makeComment, makePost, makeUser } from '../helpers/factories.js';

const { db, app } = useTestApp();

const daysAgo = (d: number) => new Date(Date.now() - d * 86_400_000);

function section(html: string, id: string) {
  const start = html.indexOf(`id="${id}"`);
  return html.slice(start, html.indexOf('</section>', start));
}

function postIdsIn(html: string) {
  return [...html.matchAll(/class="post-item-title"><a href="\/posts\/([0-9A-Za-z]{17})\//g)].map((m) => m[1]!);
}

describe('Recent Discussion', () => {
  it('moves an old post to the top when someone comments on it, showing its excerpt and newest comments with replies nested', async () => {
    const old = await makePost(db, {
      title: 'An old post on priors',
      markdown: `We set $\\theta \\sim \\mathrm{Beta}(1,1)$ and then ${'update our beliefs carefully '.repeat(30)}`,
      at: daysAgo(30),
    });
    await makePost(db, { title: 'A newer post', at: daysAgo(1) });
    const before = section(await (await new TestClient(app).get('/')).text(), 'discussion-heading');
    expect(before.indexOf('A newer post')).toBeLessThan(before.indexOf('An old post on priors'));

    const parent = await makeComment(db, { postId: old.id, markdown: 'A question about the prior' });
    await makeComment(db, { postId: old.id, parentId: parent.id, markdown: 'An answer with $\\alpha = 1$' });
    const html = await (await new TestClient(app).get('/')).text();
    const discussion = section(html, 'discussion-heading');
    expect(discussion.indexOf('An old post on priors')).toBeLessThan(discussion.indexOf('A newer post'));
    // The excerpt's formula typeset (MathML with its TeX as annotation), not shown as $TeX$.
    expect(discussion).toMatch(
      /We set <math[^>]*>(?:(?!<\/math>)[\s\S])*<annotation encoding="application\/x-tex">\\theta \\sim \\mathrm\{Beta\}\(1,1\)<\/annotation><\/semantics><\/math> and then update/,
    );
    expect(discussion).not.toContain('$\\theta');
    // Cut at a word boundary: the last word before the ellipsis is whole.
    expect(discussion).toMatch(/ (update|our|beliefs|carefully)…/);
    expect(discussion).toMatch(
      /A question about the prior[\s\S]*class="discussion-replies"[\s\S]*An answer with <math/,
    );
  });

  it('names each Read more link after what it opens, for assistive technology', async () => {
    const post = await makePost(db, { title: 'Named <target> & more' });
    const author = await makeUser(db, { username: 'named_reader' });
    await makeComment(db, { postId: post.id, authorId: author.id, markdown: 'A reply to be read.' });
    const discussion = section(await (await new TestClient(app).get('/')).text(), 'discussion-heading');
    const names = [...discussion.matchAll(/<a [^>]*class="read-more"[^>]*>([\s\S]*?)<\/a>/g)].map((m) =>
      m[1]!
        .replace(/<[^>]+>/g, '')
        .replace(/\s+/g, ' ')
        .trim(),
    );
    expect(names).toContain('Read more of “Named &lt;target&gt; &amp; more”');
    expect(names).toContain('Read more of named_reader’s comment on “Named &lt;target&gt; &amp; more”');
    // No two links on the page say the same.
    expect(new Set(names).size).toBe(names.length);
  });

  it('expands a post or comment through the Read more endpoint, and 404s for what is gone', async () => {
    const post = await makePost(db, { title: 'Expandable', markdown: 'Full *body* here.' });
    const client = new TestClient(app);
    const response = await client.get(`/api/content/post/${post.id}`);
    expect(((await response.json()) as { html: string }).html).toContain('<em>body</em>');
    await db.query('UPDATE posts SET deleted_at = now() WHERE id = $1', [post.id]);
    expect((await client.get(`/api/content/post/${post.id}`)).status).toBe(404);
    expect((await client.get('/api/content/user/whatever')).status).toBe(404);
  });
});

describe('frontpage lists', () => {
  it('orders Recent by date, Top by score within the period, and Magic by the stored score', async () => {
    const author = await makeUser(db);
    const a = await makePost(db, { authorId: author.id, title: 'Alpha', at: daysAgo(2) });
    const b = await makePost(db, { authorId: author.id, title: 'Beta', at: daysAgo(3) });
    const old = await makePost(db, { authorId: author.id, title: 'Ancient hit', at: daysAgo(40) });
    await db.query('UPDATE posts SET base_score = 0, magic_score = 0');
    await db.query('UPDATE posts SET base_score = 50, magic_score = 1 WHERE id = $1', [b.id]);
    await db.query('UPDATE posts SET base_score = 10, magic_score = 2 WHERE id = $1', [a.id]);
    await db.query('UPDATE posts SET base_score = 500, magic_score = 0.5 WHERE id = $1', [old.id]);
    const client = new TestClient(app);
    const ids = async (query: string) =>
      postIdsIn(section(await (await client.get(`/${query}`)).text(), 'latest-heading'));

    const recent = await ids('?view=recent');
    expect(recent.indexOf(a.id)).toBeLessThan(recent.indexOf(b.id));
    expect(recent.indexOf(b.id)).toBeLessThan(recent.indexOf(old.id));
    const week = await ids('?view=top&period=week');
    expect(week.slice(0, 2)).toEqual([b.id, a.id]);
    expect(week).not.toContain(old.id);
    expect((await ids('?view=top&period=all'))[0]).toBe(old.id);
    expect((await ids('')).slice(0, 3)).toEqual([a.id, b.id, old.id]);
  });

  it('pages with "Load more" without gaps or repeats while new posts arrive', async () => {
    const author = await makeUser(db);
    await db.query('UPDATE posts SET deleted_at = now()');
    const created: string[] = [];
    for (let i = 0; i < 45; i++)
      created.push((await makePost(db, { authorId: author.id, title: `Paged ${i}`, at: daysAgo(100 - i) })).id);
    const client = new TestClient(app);
    let html = await (await client.get('/?view=recent')).text();
    const seen = postIdsIn(section(html, 'latest-heading'));
    for (let i = 0; i < 5; i++) await makePost(db, { authorId: author.id, title: `Arrived ${i}` });
    for (let page = 0; page < 5; page++) {
      const next = html.match(/href="(\/posts\?view=recent[^"]*)" data-load-more="posts"/)?.[1]?.replace(/&amp;/g, '&');
      if (!next) break;
      html = await (await client.get(next)).text();
      seen.push(...postIdsIn(html));
    }
    expect(seen).toHaveLength(45);
    expect(new Set(seen).size).toBe(45);
    expect([...seen].sort()).toEqual([...created].sort());
  });

  it('pages Top and Magic through ties in score without gaps or repeats', async () => {
    const author = await makeUser(db);
    await db.query('UPDATE posts SET deleted_at = now()');
    const created: string[] = [];
    for (let i = 0; i < 45; i++) created.push((await makePost(db, { authorId: author.id, title: `Tied ${i}` })).id);
    // Three score levels, fifteen posts each: the cursor must break ties by id.
    await db.query(
      `UPDATE posts SET base_score = (abs(hashtext(id)) % 3), magic_score = (abs(hashtext(id)) % 3) WHERE deleted_at IS NULL`,
    );
    const client = new TestClient(app);
    for (const view of ['top&period=all', 'magic']) {
      let html = await (await client.get(`/?view=${view}`)).text();
      const seen = postIdsIn(section(html, 'latest-heading'));
      for (let page = 0; page < 5; page++) {
        const next = html.match(/href="(\/posts\?view=[^"]*)" data-load-more="posts"/)?.[1]?.replace(/&amp;/g, '&');
        if (!next) break;
        html = await (await client.get(next)).text();
        seen.push(...postIdsIn(html));
      }
      expect(new Set(seen).size).toBe(45);
      expect([...seen].sort()).toEqual([...created].sort());
    }
  });

  it('refuses a broken cursor, a cursor from another list and an unknown order with a message', async () => {
    const client = new TestClient(app);
    const broken = await client.get('/posts?view=recent&after=garbage');
    expect(broken.status).toBe(422);
    expect(await broken.text()).toContain('That &quot;Load more&quot; link is broken');
    const discussionCursor = Buffer.from(
      JSON.stringify(['discussion', new Date().toISOString(), 'A'.repeat(17)]),
    ).toString('base64url');
    const foreign = await client.get(`/posts?view=recent&after=${discussionCursor}`);
    expect(foreign.status).toBe(422);
    expect(await foreign.text()).toContain('belongs to another list');
    expect((await client.get('/?view=hottest')).status).toBe(422);
    expect((await client.get('/?view=top&period=decade')).status).toBe(422);
    expect((await client.get(`/discussion?after=${discussionCursor.slice(0, -3)}`)).status).toBe(422);
  });
});
