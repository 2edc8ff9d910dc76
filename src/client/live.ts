// Live updates, an enhancement like the rest of this script: on a post page new comments appear in their thread
// marked new, and a logged-in reader's header follows their unread notifications, over one EventSource per tab
// (GET /live, live/routes.ts). Pages opened without JavaScript open no stream and cost the server nothing.
import { insertComment } from './comments.js';

interface LiveComment {
  id: string;
  parentId: string | null;
  html: string;
}

export function enhanceLive(root: Document): void {
  if (typeof EventSource === 'undefined') return;
  const section = root.querySelector<HTMLElement>('[data-live-post]');
  const header = root.querySelector<HTMLAnchorElement>('a.nav-notifications');
  if (!section && !header) return;
  const query = new URLSearchParams();
  if (section?.dataset.livePost) {
    query.set('post', section.dataset.livePost);
    if (section.dataset.liveSince) query.set('since', section.dataset.liveSince);
  }
  const source = new EventSource(`/live${query.size > 0 ? `?${query}` : ''}`);
  const status = liveStatus(root);
  source.addEventListener('comment', (event) => {
    const comment = JSON.parse((event as MessageEvent<string>).data) as LiveComment;
    if (root.getElementById(`comment-${comment.id}`)) return;
    insertComment(root, comment.parentId, comment.html);
    if (root.getElementById(`comment-${comment.id}`)) status.textContent = 'A new comment was added.';
  });
  source.addEventListener('unread', (event) => {
    if (!header) return;
    const { unread } = JSON.parse((event as MessageEvent<string>).data) as { unread: number };
    let count = header.querySelector<HTMLElement>('.unread-count');
    if (unread === 0) {
      count?.remove();
      return;
    }
    if (!count) {
      count = root.createElement('span');
      count.className = 'unread-count';
      header.append(count);
    }
    count.textContent = ` (${unread} unread)`;
  });
  // The browser reconnects by itself (sending the last event's id); leaving the page closes the stream.
  window.addEventListener('pagehide', () => source.close());
}

/** One polite live region saying that something arrived (the new comment itself is marked "new"). */
function liveStatus(root: Document): HTMLElement {
  const status = root.createElement('div');
  status.className = 'visually-hidden';
  status.setAttribute('role', 'status');
  root.body.append(status);
  return status;
}
