import { describe, expect, it } from 'vitest';
import { movePostInSequence } from '../../src/sequences/arrange.js';
import { recordPostLinks } from '../../src/sequences/links.js';
import { deleteSequence, updateSequence } from '../../src/sequences/service.js';
import { TestClient, useTestApp } from '../helpers/app.js';
import { eventually } from '../helpers/eventually.js';
import { actorOf, makePost, makeUser } from '../helpers/factories.js';
import { makeSequence } from './helpers.js';

const test = useTestApp({ PAGE_CACHE_TTL_MS: '60000' });
const { db } = test;

/** A page a logged-out reader gets from the cache, once the notices of its own creation have passed. */
async function cached(path: string): Promise<string> {
  const client = new TestClient(test.app);
  for (let i = 0; i < 50; i++) {
    const response = await client.get(path);
    const body = await response.text();
    if (response.headers.get('x-cache') === 'hit') return body;
    await new Promise((r) => setTimeout(r, 40));
  }
  throw new Error(`${path} never came from the cache`);
}

/** Waits until a logged-out reader's copy of the page passes `check`. */
function pageBecomes(path: string, check: (html: string) => boolean) {
  return eventually(async () => check(await (await new TestClient(test.app).get(path)).text()));
}

describe('cached pages of sequences', () => {
  it('drop a post-in-sequence page when the order changes, and the sequence page when it is renamed', async () => {
    const author = await makeUser(db);
    const actor = actorOf(author.id);
    const { id, postIds } = await makeSequence(db, author.id, { '': ['First', 'Second'] }, 'Cached series');
    const path = `/s/${id}/p/${postIds.First}`;
    expect(await cached(path)).toContain('Post 1 of 2');
    await movePostInSequence(db, actor, { sequenceId: id, postId: postIds.First!, direction: 'down' });
    await pageBecomes(path, (html) => html.includes('Post 2 of 2'));

    expect(await cached(`/s/${id}`)).toContain('Cached series');
    expect(await cached('/sequences')).toContain('Cached series');
    await updateSequence(db, actor, id, { title: 'Renamed series', description: '' });
    await pageBecomes(`/s/${id}`, (html) => html.includes('Renamed series'));
    await pageBecomes('/sequences', (html) => html.includes('Renamed series'));
    await pageBecomes(path, (html) => html.includes('Renamed series'));

    await deleteSequence(db, actor, id);
    await pageBecomes('/sequences', (html) => !html.includes('Renamed series'));
  });

  it('drop a post page when another post starts linking to it', async () => {
    const author = await makeUser(db);
    const { id, postIds } = await makeSequence(db, author.id, { '': ['Linked'] });
    const path = `/s/${id}/p/${postIds.Linked}`;
    expect(await cached(path)).not.toContain('Referenced by');
    const citing = await makePost(db, { title: 'Citing post' });
    await recordPostLinks(db, { kind: 'post', id: citing.id }, `<a href="/posts/${postIds.Linked}">see</a>`);
    await pageBecomes(path, (html) => html.includes('Referenced by'));
  });
});
