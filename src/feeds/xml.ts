import { SITE_LANGUAGE } from './build.js';
/**
 * RSS 2.0 and Atom 1.0 serialization of one feed model. Everything user-written passes through escapeXml or
 * escapeXmlAttribute; HTML bodies (RSS content:encoded, Atom content type="html") travel as CDATA sections.
 */

export interface FeedAuthor {
  name: string;
  /** Absolute URL of the author's profile. */
  url: string;
}

export interface FeedItem {
  /** Stable unique id (a tag: URI); never derived from the title. */
  id: string;
  title: string;
  /** Absolute URL of the item's page. */
  url: string;
  author: FeedAuthor;
  published: Date;
  updated: Date;
  /** Sanitized HTML with absolute links. */
  html: string;
  /** Plain-text excerpt. */
  summary: string;
}

export interface Feed {
  id: string;
  title: string;
  description: string;
  /** Absolute URL of the HTML page the feed follows. */
  pageUrl: string;
  /** Absolute URLs of this feed in each format (the response names itself with one, rel="self"). */
  rssUrl: string;
  atomUrl: string;
  /** The newest date among the items (or of the thing followed when there are none). */
  updated: Date;
  /** Feed-level author for Atom; entries carry their own. */
  author: { name: string; url?: string };
  items: FeedItem[];
}

export type FeedFormat = 'rss' | 'atom';

export const CONTENT_TYPES: Record<FeedFormat, string> = {
  rss: 'application/rss+xml; charset=utf-8',
  atom: 'application/atom+xml; charset=utf-8',
};

const GENERATOR = 'Lyceum';
// Characters XML 1.0 forbids outright (C0 controls except tab/newline/return, lone surrogates, U+FFFE/FFFF):
// no escape makes them legal, and one of them makes the whole feed unparseable, so they are dropped.
const NOT_XML_CHAR = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

// Fast checks for the same: control characters, then lone surrogates (String#isWellFormed, Node 20; its
// typings arrive with ES2024, beyond our lib setting).
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point.
const XML_CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/;
const isWellFormed = (text: string): boolean => (text as unknown as { isWellFormed(): boolean }).isWellFormed();

/** Drops what XML cannot carry; bodies almost never hold any, and checking is much cheaper than replacing. */
function xmlChars(text: string): string {
  return XML_CONTROL.test(text) || !isWellFormed(text) ? text.replace(NOT_XML_CHAR, '') : text;
}

const escapeMarkup = (text: string): string =>
  text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');

/**
 * Text → a CDATA section, for the HTML bodies: their megabytes of KaTeX markup pass through untouched (escaping
 * 30 formula-heavy posts took ~0.3 s, the CDATA split ~1 ms); a `]]>` inside is split across two sections.
 */
export function cdata(text: string): string {
  return `<![CDATA[${xmlChars(text).replaceAll(']]>', ']]]]><![CDATA[>')}]]>`;
}

/** Text → XML element content: forbidden characters dropped, `& < >` escaped. */
export function escapeXml(text: string): string {
  return escapeMarkup(xmlChars(text));
}

/** Text → a double-quoted XML attribute value. */
export function escapeXmlAttribute(text: string): string {
  return escapeXml(text).replaceAll('"', '&quot;');
}

/** Plain text as HTML, for RSS elements that readers render as HTML (description). */
const escapeHtmlText = escapeMarkup;

/** RFC 822 date (as RFC 1123 updated it: four-digit year, "GMT"), for RSS. */
export function rfc822(date: Date): string {
  return date.toUTCString();
}

/** RFC 3339 date in UTC, whole seconds, for Atom. */
export function rfc3339(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

const el = (name: string, text: string, attributes = ''): string =>
  `<${name}${attributes}>${escapeXml(text)}</${name}>`;
const htmlEl = (name: string, html: string, attributes = ''): string =>
  `<${name}${attributes}>${cdata(html)}</${name}>`;

export function renderRss(feed: Feed): string {
  const items = feed.items.map((item) =>
    [
      '<item>',
      el('title', item.title),
      el('link', item.url),
      el('guid', item.id, ' isPermaLink="false"'),
      el('pubDate', rfc822(item.published)),
      el('dc:creator', item.author.name),
      // description is read as HTML by RSS readers: the plain excerpt is escaped as HTML text first.
      el('description', escapeHtmlText(item.summary)),
      htmlEl('content:encoded', item.html),
      '</item>',
    ].join('\n'),
  );
  return [
    '<?xml version="1.0" encoding="utf-8"?>',
    '<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/">',
    '<channel>',
    el('title', feed.title),
    el('link', feed.pageUrl),
    el('description', feed.description),
    el('language', SITE_LANGUAGE),
    `<atom:link href="${escapeXmlAttribute(feed.rssUrl)}" rel="self" type="application/rss+xml"/>`,
    el('lastBuildDate', rfc822(feed.updated)),
    el('generator', GENERATOR),
    ...items,
    '</channel>',
    '</rss>',
    '',
  ].join('\n');
}

function atomAuthor(author: { name: string; url?: string | undefined }): string {
  return `<author>${el('name', author.name)}${author.url ? el('uri', author.url) : ''}</author>`;
}

export function renderAtom(feed: Feed): string {
  const entries = feed.items.map((item) =>
    [
      '<entry>',
      el('id', item.id),
      el('title', item.title, ' type="text"'),
      `<link rel="alternate" type="text/html" href="${escapeXmlAttribute(item.url)}"/>`,
      el('published', rfc3339(item.published)),
      el('updated', rfc3339(item.updated)),
      atomAuthor(item.author),
      el('summary', item.summary, ' type="text"'),
      htmlEl('content', item.html, ' type="html"'),
      '</entry>',
    ].join('\n'),
  );
  return [
    '<?xml version="1.0" encoding="utf-8"?>',
    `<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="${SITE_LANGUAGE}">`,
    el('id', feed.id),
    el('title', feed.title, ' type="text"'),
    el('subtitle', feed.description, ' type="text"'),
    el('updated', rfc3339(feed.updated)),
    `<link rel="self" type="application/atom+xml" href="${escapeXmlAttribute(feed.atomUrl)}"/>`,
    `<link rel="alternate" type="text/html" href="${escapeXmlAttribute(feed.pageUrl)}"/>`,
    atomAuthor(feed.author),
    el('generator', GENERATOR),
    ...entries,
    '</feed>',
    '',
  ].join('\n');
}

export function renderFeed(feed: Feed, format: FeedFormat): string {
  return format === 'rss' ? renderRss(feed) : renderAtom(feed);
}
