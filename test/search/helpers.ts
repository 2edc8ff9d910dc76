import render from 'dom-serializer';
import { DomUtils, parseDocument } from 'htmlparser2';
import type { TestClient } from '../helpers/app.js';

type Element = ReturnType<typeof DomUtils.findAll>[number];

const hasClass = (name: string) => (el: Element) => (el.attribs.class ?? '').split(/\s+/).includes(name);

/** The elements under `root` with this class, in document order. */
export function byClass(root: Parameters<typeof DomUtils.findAll>[1], name: string): Element[] {
  return DomUtils.findAll(hasClass(name), root);
}

export const text = (el: Element) => DomUtils.textContent(el);
export const inner = (el: Element) => render(el.children, { decodeEntities: false });

/** A search page as a test reads it: status, result titles, snippets, "did you mean" and the next page link. */
export async function searchPage(client: TestClient, params: Record<string, string> | string) {
  const query = typeof params === 'string' ? params : new URLSearchParams(params).toString();
  const response = await client.get(query.startsWith('/') ? query : `/search?${query}`);
  const html = await response.text();
  const doc = parseDocument(html);
  const results = byClass(doc.children, 'search-result');
  const titles = results.map((r) => text(DomUtils.findOne((el) => el.name === 'a', r.children)!));
  const snippets = byClass(doc.children, 'search-snippet').map((el) => ({
    html: inner(el),
    text: text(el),
    marks: DomUtils.findAll((m) => m.name === 'mark', el.children).map((m) => ({ text: text(m), html: inner(m) })),
  }));
  const didYouMean = byClass(doc.children, 'search-did-you-mean').flatMap((el) =>
    DomUtils.findAll((a) => a.name === 'a', el.children).map(text),
  );
  const more = byClass(doc.children, 'load-more')[0];
  const nextHref = more ? DomUtils.findOne((a) => a.name === 'a', more.children)?.attribs.href : undefined;
  return { status: response.status, html, titles, snippets, didYouMean, nextHref, doc };
}
