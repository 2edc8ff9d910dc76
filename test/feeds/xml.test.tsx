import { describe, expect, it } from 'vitest';
import { renderContent } from '../../src/content/render.js';
import { absoluteLinks } from '../../src/feeds/absolute-links.js';
import { FeedLinks, postCommentsFeedRef, sequenceFeedRef, userFeedRef } from '../../src/feeds/links.js';
import { mathmlOnly } from '../../src/feeds/mathml-only.js';
import {
  cdata,
  escapeXml,
  escapeXmlAttribute,
  type Feed,
  renderAtom,
  renderRss,
  rfc822,
  rfc3339,
} from '../../src/feeds/xml.js';
import { parseStrictly } from './helpers.js';

describe('XML escaping', () => {
  it('escapes markup characters and keeps everything else, astral characters included', () => {
    expect(escapeXml('a & b < c > d "e" \'f\' — ∑ 😀')).toBe('a &amp; b &lt; c &gt; d "e" \'f\' — ∑ 😀');
    expect(escapeXmlAttribute('x="1" & <y>')).toBe('x=&quot;1&quot; &amp; &lt;y&gt;');
    expect(escapeXml(']]>')).toBe(']]&gt;');
  });

  it('drops characters XML 1.0 cannot carry at all', () => {
    expect(escapeXml('a\u0000b\u0007c\u000bd\u001fe\ufffef\uffffg\ud800h')).toBe('abcdefgh');
    expect(escapeXml('lone low \udc00 and pair 😀')).toBe('lone low  and pair 😀');
    expect(cdata('x\u0001y]]>z')).toBe('<![CDATA[xy]]]]><![CDATA[>z]]>');
    expect(escapeXml('tab\tnewline\nreturn\r')).toBe('tab\tnewline\nreturn\r');
  });
});

describe('feed dates', () => {
  const date = new Date('2024-03-05T07:08:09.250Z');
  it('writes RFC 822 dates for RSS and RFC 3339 dates for Atom, in UTC', () => {
    expect(rfc822(date)).toBe('Tue, 05 Mar 2024 07:08:09 GMT');
    expect(rfc3339(date)).toBe('2024-03-05T07:08:09Z');
  });
});

describe('absoluteLinks', () => {
  const base = 'https://lyceum.example';
  const page = 'https://lyceum.example/posts/AbCdEfGhIjKlMnOpQ/a-slug';

  it('makes root-relative and relative URLs and same-page anchors absolute, and leaves absolute URLs alone', () => {
    const html =
      '<p><a href="/posts/x">a</a> <img src="/static/i.png" alt="" /> <a href="other?x=1&amp;y=2">b</a> ' +
      '<a href="?page=2">c</a> <a href="https://elsewhere.example/" rel="nofollow ugc noopener">d</a> ' +
      '<a href="mailto:me@example.org">e</a> <a href="#fn-1" id="fnref-1">[1]</a></p>';
    expect(absoluteLinks(html, base, page)).toBe(
      '<p><a href="https://lyceum.example/posts/x">a</a> <img src="https://lyceum.example/static/i.png" alt="" /> ' +
        '<a href="https://lyceum.example/posts/AbCdEfGhIjKlMnOpQ/other?x=1&amp;y=2">b</a> ' +
        '<a href="https://lyceum.example/posts/AbCdEfGhIjKlMnOpQ/a-slug?page=2">c</a> ' +
        '<a href="https://elsewhere.example/" rel="nofollow ugc noopener">d</a> ' +
        '<a href="mailto:me@example.org">e</a> ' +
        '<a href="https://lyceum.example/posts/AbCdEfGhIjKlMnOpQ/a-slug#fn-1" id="fnref-1">[1]</a></p>',
    );
  });

  it('reads whole tags, whatever other attributes they carry, and no other elements', () => {
    const html =
      '<a title="a&gt;b &quot;c&quot;" href="/y?z=&gt;">t</a><annotation encoding="application/x-tex">x</annotation>';
    expect(absoluteLinks(html, base, page)).toBe(
      '<a title="a&gt;b &quot;c&quot;" href="https://lyceum.example/y?z=&gt;">t</a><annotation encoding="application/x-tex">x</annotation>',
    );
  });

  it('never touches text that looks like an attribute', () => {
    const html = '<p>He wrote href="/x" and <code>src="/y"</code>.</p>';
    expect(absoluteLinks(html, base, page)).toBe(html);
    expect(absoluteLinks(`${html}<a href="/z">z</a>`, base, page)).toBe(
      `${html}<a href="https://lyceum.example/z">z</a>`,
    );
  });
});

describe('mathmlOnly', () => {
  it('keeps each formula as its MathML with the TeX annotation, and drops KaTeX’s styled spans', () => {
    const { html } = renderContent(
      'Inline $x^2 < y$ and\n\n$$\\int_0^1 \\frac{a}{b}$$\n\nthen <span>plain</span> text.',
    );
    const out = mathmlOnly(html);
    expect(out).not.toContain('katex-html');
    expect(out).not.toContain('style=');
    expect(out.match(/<math /g)).toHaveLength(2);
    expect(out).toContain('<annotation encoding="application/x-tex">x^2 &lt; y</annotation>');
    expect(out).toContain('<math xmlns="http://www.w3.org/1998/Math/MathML" display="block">');
    expect(out).not.toContain('katex-mathml');
    // Everything around the formulas is kept, spans of the writer's own included.
    expect(out).toContain('<p>Inline <span class="math math-inline"><span class="katex"><math');
    expect(out).toContain('then <span>plain</span> text.');
    expect(mathmlOnly('<p>No math.</p>')).toBe('<p>No math.</p>');
  });
});

describe('rendered feeds', () => {
  const when = new Date('2024-03-05T07:08:09Z');
  const feed: Feed = {
    id: 'tag:lyceum.example,2025:feed:test',
    title: 'A & B',
    description: 'Feeds <with> markup',
    pageUrl: 'https://lyceum.example/?a=1&b=2',
    rssUrl: 'https://lyceum.example/feed.xml',
    atomUrl: 'https://lyceum.example/feed.atom',
    updated: when,
    author: { name: 'Lyceum' },
    items: [
      {
        id: 'tag:lyceum.example,2025:post:1',
        title: 'Ends with ]]> and <b>',
        url: 'https://lyceum.example/posts/1/x?a=1&b=2',
        author: { name: 'Ada & co', url: 'https://lyceum.example/users/ada' },
        published: when,
        updated: when,
        html: '<p>Math <span class="katex" style="height:1em">x</span> and "quotes" &amp; more ]]> end\u0001</p>',
        summary: 'Math $x<y$ & more',
      },
    ],
  };

  it('round-trips every field through a feed parser in both formats', () => {
    for (const xml of [renderRss(feed), renderAtom(feed)]) {
      const parsed = parseStrictly(xml);
      expect(parsed.title).toBe('A & B');
      expect(parsed.url).toBe('https://lyceum.example/?a=1&b=2');
      const [item] = parsed.items;
      expect(item?.title).toBe('Ends with ]]> and <b>');
      expect(item?.url).toBe('https://lyceum.example/posts/1/x?a=1&b=2');
      // The parser decodes entities in HTML content; the markup itself must arrive intact.
      expect(item?.content).toBe(
        '<p>Math <span class="katex" style="height:1em">x</span> and "quotes" & more ]]> end</p>',
      );
      expect(item?.description).toBe('Math $x<y$ & more');
      expect(item?.published?.getTime()).toBe(when.getTime());
    }
    // HTML travels as CDATA, split where it contains the section's end marker.
    expect(renderRss(feed)).toContain('<content:encoded><![CDATA[<p>Math <span class="katex"');
    expect(renderAtom(feed)).toContain('&amp; more ]]]]><![CDATA[> end</p>]]></content>');
  });
});

describe('FeedLinks', () => {
  it("advertises the page's feeds, then the site's, each in RSS and Atom", () => {
    const html = (
      <FeedLinks
        feeds={[
          userFeedRef({ username: 'ada', displayName: 'Ada' }),
          postCommentsFeedRef({ id: 'AbCdEfGhIjKlMnOpQ', slug: 'on-x', title: 'On "x"' }),
          sequenceFeedRef({ id: 'QpOnMlKjIhGfEdCbA', title: 'Book' }),
        ]}
      />
    ).toString();
    const links = html.match(/<link [^>]*>/g) ?? [];
    expect(links).toEqual([
      '<link rel="alternate" type="application/rss+xml" title="Ada · Lyceum" href="/users/ada/feed.xml"/>',
      '<link rel="alternate" type="application/atom+xml" title="Ada · Lyceum (Atom)" href="/users/ada/feed.atom"/>',
      '<link rel="alternate" type="application/rss+xml" title="Comments on “On &quot;x&quot;” · Lyceum" href="/posts/AbCdEfGhIjKlMnOpQ/on-x/comments.xml"/>',
      '<link rel="alternate" type="application/atom+xml" title="Comments on “On &quot;x&quot;” · Lyceum (Atom)" href="/posts/AbCdEfGhIjKlMnOpQ/on-x/comments.atom"/>',
      '<link rel="alternate" type="application/rss+xml" title="Book · Lyceum" href="/s/QpOnMlKjIhGfEdCbA/feed.xml"/>',
      '<link rel="alternate" type="application/atom+xml" title="Book · Lyceum (Atom)" href="/s/QpOnMlKjIhGfEdCbA/feed.atom"/>',
      '<link rel="alternate" type="application/rss+xml" title="Lyceum" href="/feed.xml"/>',
      '<link rel="alternate" type="application/atom+xml" title="Lyceum (Atom)" href="/feed.atom"/>',
    ]);
    expect((<FeedLinks />).toString()).toBe(
      '<link rel="alternate" type="application/rss+xml" title="Lyceum" href="/feed.xml"/><link rel="alternate" type="application/atom+xml" title="Lyceum (Atom)" href="/feed.atom"/>',
    );
  });
});
