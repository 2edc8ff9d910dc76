import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSession, SESSION_COOKIE } from '../../src/accounts/sessions.js';
import { addComment } from '../../src/comments/service.js';
import { useTestDatabase } from '../helpers/app.js';
import { makeComment, makePost, makeUser } from '../helpers/factories.js';
import { startServer } from '../helpers/server.js';

/** An open event stream read as text, with a way to wait for what it should carry. */
async function openStream(url: string, headers: Record<string, string> = {}) {
  const controller = new AbortController();
  const response = await fetch(url, { headers, signal: controller.signal });
  let text = '';
  const reader = response.body?.getReader();
  const decoder = new TextDecoder();
  const reading = (async () => {
    try {
      for (;;) {
        const chunk = await reader!.read();
        if (chunk.done) return;
        text += decoder.decode(chunk.value, { stream: true });
      }
    } catch {
      // Aborted.
    }
  })();
  return {
    response,
    text: () => text,
    /** The events received so far, parsed. */
    events: () =>
      text
        .split('\n\n')
        .filter((block) => block.includes('event: '))
        .map((block) => ({
          event: /event: (.*)/.exec(block)?.[1],
          id: /id: (.*)/.exec(block)?.[1],
          data: JSON.parse(/data: (.*)/.exec(block)?.[1] ?? 'null') as Record<string, unknown>,
        })),
    async waitFor(pattern: RegExp, ms = 10_000) {
      const until = Date.now() + ms;
      while (!pattern.test(text)) {
        if (Date.now() > until) throw new Error(`stream never carried ${pattern}; got:\n${text}`);
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    },
    async close() {
      controller.abort();
      await reading;
    },
  };
}

describe('live updates over Server-Sent Events', () => {
  const { db } = useTestDatabase();
  let servers: Awaited<ReturnType<typeof startServer>>[] = [];
  beforeAll(async () => {
    // Two instances on one database: what one writes, the other's readers hear of (through the change feed).
    servers = [await startServer(db, { live: true }), await startServer(db, { live: true })];
  });
  afterAll(async () => {
    for (const server of servers) await server.close();
  });

  it('sends a new comment of the open post, rendered and marked new, to readers on another instance', async () => {
    const post = await makePost(db, { title: 'Watched live' });
    const stream = await openStream(`${servers[1]!.url}/live?post=${post.id}`);
    expect(stream.response.status).toBe(200);
    expect(stream.response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    await stream.waitFor(/retry: /);
    const comment = await makeComment(db, { postId: post.id, markdown: 'Arriving *live*.' });
    await stream.waitFor(new RegExp(`"id":"${comment.id}"`));
    const [event] = stream.events();
    expect(event?.event).toBe('comment');
    expect(event?.data.parentId).toBeNull();
    expect(event?.data.html).toContain('<em>live</em>');
    expect(event?.data.html).toContain('comment-new');
    expect(event?.id).toMatch(new RegExp(`-${comment.id}$`));
    // A comment on another post is not sent.
    const other = await makePost(db, { title: 'Not watched' });
    await makeComment(db, { postId: other.id, markdown: 'Elsewhere.' });
    const reply = await makeComment(db, { postId: post.id, parentId: comment.id, markdown: 'A reply.' });
    await stream.waitFor(new RegExp(`"id":"${reply.id}"`));
    expect(stream.events().map((e) => e.data.id)).toEqual([comment.id, reply.id]);
    expect(stream.events()[1]?.data.parentId).toBe(comment.id);
    await stream.close();
  });

  it('resumes after a reconnect from Last-Event-ID, and catches up from the page’s newest comment', async () => {
    const post = await makePost(db, { title: 'Resumed' });
    const first = await makeComment(db, { postId: post.id, markdown: 'First.' });
    const stream = await openStream(`${servers[0]!.url}/live?post=${post.id}`);
    await stream.waitFor(/retry: /);
    const second = await makeComment(db, { postId: post.id, markdown: 'Second.' });
    await stream.waitFor(new RegExp(second.id));
    const lastId = stream.events().at(-1)!.id!;
    await stream.close();
    // Missed while away.
    const third = await makeComment(db, { postId: post.id, markdown: 'Third.' });
    const fourth = await makeComment(db, { postId: post.id, markdown: 'Fourth.' });
    const resumed = await openStream(`${servers[0]!.url}/live?post=${post.id}`, { 'last-event-id': lastId });
    await resumed.waitFor(new RegExp(fourth.id));
    expect(resumed.events().map((e) => e.data.id)).toEqual([third.id, fourth.id]);
    await resumed.close();
    // A page rendered when only the first comment existed says so (data-live-since): the stream starts there.
    const page = await (await fetch(`${servers[1]!.url}/posts/${post.id}/resumed`)).text();
    expect(page).toContain(`data-live-post="${post.id}"`);
    const since = /data-live-since="([^"]+)"/.exec(page)?.[1];
    expect(since).toMatch(new RegExp(`-${fourth.id}$`));
    const [row] = await db.query<{ at: Date }>('SELECT created_at AS at FROM comments WHERE id = $1', [first.id]);
    const fromFirst = `${row!.at.getTime()}-${first.id}`;
    const caughtUp = await openStream(`${servers[1]!.url}/live?post=${post.id}&since=${fromFirst}`);
    await caughtUp.waitFor(new RegExp(fourth.id));
    expect(caughtUp.events().map((e) => e.data.id)).toEqual([second.id, third.id, fourth.id]);
    await caughtUp.close();
  });

  it('updates a logged-in reader’s unread count when someone replies to them, and never sends their own comment', async () => {
    const author = await makeUser(db);
    const replier = await makeUser(db);
    const post = await makePost(db, { title: 'Talked about' });
    const own = await makeComment(db, { postId: post.id, authorId: author.id, markdown: 'My point.' });
    const { token } = await createSession(db, author.id);
    const stream = await openStream(`${servers[0]!.url}/live?post=${post.id}`, {
      cookie: `${SESSION_COOKIE}=${token}`,
    });
    await stream.waitFor(/retry: /);
    const mine = await makeComment(db, { postId: post.id, authorId: author.id, markdown: 'Mine again.' });
    const { id: replyId } = await addComment(db, {
      postId: post.id,
      parentId: own.id,
      authorId: replier.id,
      markdown: 'An answer to you.',
    });
    await stream.waitFor(/event: unread/);
    await stream.waitFor(new RegExp(replyId));
    const events = stream.events();
    expect(events.find((e) => e.event === 'unread')?.data).toEqual({ unread: 1 });
    expect(events.filter((e) => e.event === 'comment').map((e) => e.data.id)).toEqual([replyId]);
    expect(stream.text()).not.toContain(mine.id);
    await stream.close();
  });

  it('answers 204 where there is nothing to hear and 404 for a post the reader may not see', async () => {
    expect((await fetch(`${servers[0]!.url}/live`)).status).toBe(204);
    const draft = await makePost(db, { title: 'Unpublished', publish: false });
    expect((await fetch(`${servers[0]!.url}/live?post=${draft.id}`)).status).toBe(404);
    expect((await fetch(`${servers[0]!.url}/live?post=not-an-id`)).status).toBe(404);
    expect((await fetch(`${servers[0]!.url}/live?post=${encodeURIComponent("' OR 1=1 --")}`)).status).toBe(404);
  });
});
