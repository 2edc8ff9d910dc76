// Shared by the server (links.ts) and the client script (client.ts), so it imports nothing.

const POST_PATH = /^\/posts\/([0-9A-Za-z]{17})(?:[/?#]|$)/;
const SEQUENCE_POST_PATH = /^\/s\/[0-9A-Za-z]{17}\/p\/([0-9A-Za-z]{17})(?:[/?#]|$)/;

/** The post id in a path of ours that shows a post (/posts/:id/…, /s/:sequenceId/p/:id), if any. */
export function postIdInPath(path: string): string | undefined {
  return (POST_PATH.exec(path) ?? SEQUENCE_POST_PATH.exec(path))?.[1];
}

/**
 * The id of the post a link points to, when it is a link to a post on this site: a path, or an absolute URL on
 * the site's origin. Links to other sites never count, even with the same path: a preview of our post on a
 * link that leads elsewhere would be a lie.
 */
export function linkedPostId(href: string, siteUrl?: string): string | undefined {
  if (href.startsWith('/') && !href.startsWith('//') && !href.startsWith('/\\')) return postIdInPath(href);
  if (!siteUrl || !/^https?:/i.test(href)) return undefined;
  try {
    const url = new URL(href);
    return url.origin === new URL(siteUrl).origin ? postIdInPath(url.pathname) : undefined;
  } catch {
    return undefined;
  }
}
