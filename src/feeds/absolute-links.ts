// Cheap pre-check: most bodies link only to absolute URLs, and skip the scan.
const MAYBE_RELATIVE = /\s(?:href|src)="(?![a-z][a-z\d+.-]*:|\/\/)/i;
/**
 * A link or image start tag. Sound on stored HTML only: it is sanitize-html's output, where a text `<` is
 * always written `&lt;` and attribute values never hold a raw `<`, `>` or `"`, so every `<a ` or `<img ` is a
 * real tag that ends at the next `>`, and text such as `href="/x"` in a paragraph is never inside one.
 */
const LINKING_TAG = /<(?:a|img)\s[^>]*>/g;
const URL_ATTRIBUTE = /(\s(?:href|src)=")([^"]*)"/g;
const HAS_SCHEME = /^[a-z][a-z\d+.-]*:/i;

function absolute(value: string, baseUrl: string, pageUrl: string): string {
  if (value === '' || HAS_SCHEME.test(value) || value.startsWith('//')) return value;
  if (value.startsWith('/')) return baseUrl + value;
  if (value.startsWith('#')) return pageUrl.replace(/#.*$/, '') + value;
  const page = pageUrl.replace(/[?#].*$/, '');
  // Prefixing keeps the value's entities and path exactly as the sanitizer wrote them.
  return value.startsWith('?') ? page + value : page.replace(/[^/]*$/, '') + value;
}

/**
 * Rewrites relative link and image URLs in stored, sanitized HTML to absolute ones, as a feed reader shows the
 * HTML away from our pages: root-relative against BASE_URL, others against the item's page. Same-page anchors
 * (footnotes) too: readers drop the ids they point at, so "#fn-1" would lead nowhere; the item's page has them.
 */
export function absoluteLinks(html: string, baseUrl: string, pageUrl: string): string {
  if (!MAYBE_RELATIVE.test(html)) return html;
  return html.replace(LINKING_TAG, (tag) =>
    tag.replace(URL_ATTRIBUTE, (_, prefix: string, value: string) => `${prefix}${absolute(value, baseUrl, pageUrl)}"`),
  );
}
