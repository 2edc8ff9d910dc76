import { describe, expect, it } from 'vitest';
import { slugify } from '../../src/content/slug.js';
import { postSlug } from '../../src/posts/slug.js';
import { useTestApp } from '../helpers/app.js';
import { makePost } from '../helpers/factories.js';

describe('post slugs', () => {
  it('spell titles in any script as readable ASCII words', () => {
    expect(postSlug("Gödel's Proof")).toBe('godel-s-proof');
    expect(postSlug('Σύνοψη των αποτελεσμάτων')).toBe('synopsi-ton-apotelesmaton');
    expect(postSlug('Теорема Гёделя о неполноте')).toBe('teorema-gyodelya-o-nepolnote');
    expect(postSlug('Łódź and Ölçü')).toBe('lodz-and-olcu');
    expect(postSlug('ﬁnite ﬁelds')).toBe('finite-fields');
    expect(postSlug('数学の基礎')).toMatch(/^[a-z0-9-]+$/);
    expect(postSlug('数学の基礎')).not.toBe('post');
  });

  it('fall back to "post" when nothing readable is left, and stay within 80 characters at a whole word', () => {
    expect(postSlug('🙂🙂🙂')).toBe('post');
    expect(postSlug('???')).toBe('post');
    const long = postSlug('word '.repeat(40));
    expect(long.length).toBeLessThanOrEqual(80);
    expect(long).not.toMatch(/-$/);
  });

  it('share one rule with heading anchors, which keep every script', () => {
    const anchor = (text: string) => slugify(text, { ascii: false, maxLength: 64, fallback: 'section' });
    expect(anchor('Σύνοψη των αποτελεσμάτων')).toBe('σύνοψη-των-αποτελεσμάτων');
    expect(anchor("Gödel's Proof")).toBe('gödel-s-proof');
  });
});

describe('post addresses', () => {
  const { db, app } = useTestApp();

  it('give a Greek or Cyrillic post a readable address, and send the old "post" one there', async () => {
    const post = await makePost(db, { title: 'Σύνοψη των αποτελεσμάτων' });
    const page = await app.request(`/posts/${post.id}/synopsi-ton-apotelesmaton`);
    expect(page.status).toBe(200);
    const old = await app.request(`/posts/${post.id}/post`);
    expect(old.status).toBe(301);
    expect(old.headers.get('location')).toBe(`/posts/${post.id}/synopsi-ton-apotelesmaton`);
  });
});
