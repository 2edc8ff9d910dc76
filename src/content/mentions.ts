import type { MarkdownIt, StateCore, Token } from 'markdown-it';

/**
 * @mentions: `@username` in a post or comment becomes a link to that member's profile, for members who exist.
 * The renderer cannot ask the database, so the saving service looks the names up first (notifications/mentions.ts
 * `mentionableUsers`) and passes the ones that exist in RenderOptions.mentions. Only text is looked at: code
 * spans and blocks, math and links keep their `@` as written.
 */
export const MENTIONS_ENV = Symbol('lyceum.mentions');

/** The class of a mention link: notifications/mentions.ts reads who was mentioned back from the stored HTML. */
export const MENTION_CLASS = 'mention';

// A username (accounts/validation.ts USERNAME_PATTERN, 3–32 characters) after `@`, where the `@` does not follow a
// letter, digit or one of `_-.@/` (so an email address or a path is not a mention).
const MENTION = /(^|[^A-Za-z0-9_.@/-])@([A-Za-z0-9_-]{3,32})(?![A-Za-z0-9_-])/g;

/** The names a text may mention (lowercased, at most `limit`): a superset of what the rule links, for the lookup. */
export function mentionCandidates(markdown: string, limit = 50): string[] {
  const names = new Set<string>();
  if (!markdown.includes('@')) return [];
  for (const match of markdown.matchAll(MENTION)) {
    names.add(match[2]!.toLowerCase());
    if (names.size >= limit) break;
  }
  return [...names];
}

function linkMentions(state: StateCore, children: Token[], users: Map<string, string>): Token[] {
  const out: Token[] = [];
  let insideLink = 0;
  for (const token of children) {
    if (token.type === 'link_open') insideLink++;
    else if (token.type === 'link_close') insideLink = Math.max(0, insideLink - 1);
    else if (token.type === 'html_inline') {
      if (/^<a[\s>]/i.test(token.content)) insideLink++;
      else if (/^<\/a\s*>/i.test(token.content)) insideLink = Math.max(0, insideLink - 1);
    }
    if (token.type !== 'text' || insideLink > 0 || !token.content.includes('@')) {
      out.push(token);
      continue;
    }
    let last = 0;
    const text = token.content;
    for (const match of text.matchAll(MENTION)) {
      const username = users.get(match[2]!.toLowerCase());
      if (!username) continue;
      const at = match.index + match[1]!.length;
      if (at > last) out.push(textToken(state, text.slice(last, at)));
      const open = new state.Token('link_open', 'a', 1);
      open.attrs = [
        ['href', `/users/${username}`],
        ['class', MENTION_CLASS],
      ];
      out.push(open, textToken(state, `@${match[2]}`), new state.Token('link_close', 'a', -1));
      last = at + 1 + match[2]!.length;
    }
    if (last === 0) out.push(token);
    else if (last < text.length) out.push(textToken(state, text.slice(last)));
  }
  return out;
}

function textToken(state: StateCore, content: string): Token {
  const token = new state.Token('text', '', 0);
  token.content = content;
  return token;
}

/** Core rule: links mentions of the members in env[MENTIONS_ENV] (lowercased name → username). */
function mentions(state: StateCore): void {
  const users = state.env[MENTIONS_ENV] as Map<string, string> | undefined;
  if (!users || users.size === 0) return;
  for (const token of state.tokens) {
    if (token.type === 'inline' && token.children) token.children = linkMentions(state, token.children, users);
  }
}

/** markdown-it plugin: @mentions of members who exist (see above); after text_join, so text comes whole. */
export function mentionsPlugin(md: MarkdownIt): void {
  md.core.ruler.after('text_join', 'mentions', mentions);
}

/** The env entry for a render: the usernames that exist, by lowercased name. */
export function mentionsEnv(usernames: readonly string[] | undefined): Map<string, string> | undefined {
  if (!usernames?.length) return undefined;
  return new Map(usernames.map((name) => [name.toLowerCase(), name]));
}
