import { Hono } from 'hono';
import { streamSSE } from 'hono/streaming';
import { visiblePost } from '../posts/lookup.js';
import type { AppEnv } from '../web/context.js';
import { type LiveStream, parseCursor } from './hub.js';

/** How long a browser waits before reconnecting a dropped stream (the SSE `retry` field). */
const RETRY_MS = 5_000;

/**
 * GET /live?post=<id>&since=<event id>: the event stream of the page the reader has open (client/live.ts opens
 * it; pages never need it). "comment" events carry a new comment of the post ({ id, parentId, html }, the event
 * id saying where the stream stands), "unread" events the logged-in reader's unread notifications. A reconnecting
 * browser's Last-Event-ID takes precedence over `since` (the page's newest comment when it was rendered).
 */
export const liveRoutes = new Hono<AppEnv>().get('/live', async (c) => {
  const hub = c.get('deps').live;
  const user = c.get('user');
  const postId = c.req.query('post');
  // A post that is not there, or not for this reader, is a 404 like its page; a bad id too.
  const post = postId === undefined ? undefined : await visiblePost(c, postId);
  // Nothing to hear of (no live updates in this process, or a logged-out reader off a post page): 204 tells the
  // browser's EventSource not to reconnect.
  if (!hub || (!post && !user)) return c.body(null, 204);
  const since = parseCursor(c.req.header('last-event-id')) ?? parseCursor(c.req.query('since'));
  c.header('X-Accel-Buffering', 'no');
  return streamSSE(c, async (sse) => {
    let closed = false;
    const stream: LiveStream = {
      user,
      ...(since ? { since } : {}),
      send(event, data, id) {
        if (closed) return;
        const text = event
          ? `event: ${event}\ndata: ${data}\n${id ? `id: ${id}\n` : ''}\n`
          : // A comment line: the heartbeat.
            ': ping\n\n';
        sse.write(text).catch(() => {
          closed = true;
        });
      },
    };
    await sse.write(`retry: ${RETRY_MS}\n\n`);
    const close = hub.open(stream, post);
    let forget = () => {};
    await new Promise<void>((resolve) => {
      sse.onAbort(() => resolve());
      forget = hub.onStop(resolve);
    });
    closed = true;
    forget();
    close();
  });
});
