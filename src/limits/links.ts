import sanitizeHtml from 'sanitize-html';

/**
 * How many links to other sites sanitized HTML carries: anchors whose href is an absolute http(s) URL (or
 * protocol-relative) on another host than BASE_URL's. Relative links and links to this site are not counted.
 */
export function externalLinkCount(html: string, baseUrl?: string): number {
  if (!html.includes('<a')) return 0;
  const ownHost = baseUrl ? new URL(baseUrl).host : undefined;
  let count = 0;
  // Stored HTML is already sanitized: this pass only reads it (the same parser the link recorder uses).
  sanitizeHtml(html, {
    allowedTags: false,
    allowedAttributes: false,
    allowVulnerableTags: true,
    parseStyleAttributes: false,
    transformTags: {
      a: (tagName, attribs) => {
        if (attribs.href && isExternal(attribs.href, ownHost)) count++;
        return { tagName, attribs };
      },
    },
  });
  return count;
}

function isExternal(href: string, ownHost: string | undefined): boolean {
  if (!/^(https?:)?\/\//i.test(href.trim())) return false;
  try {
    const url = new URL(href.trim(), 'http://relative.invalid');
    return url.host !== ownHost;
  } catch {
    return false;
  }
}
