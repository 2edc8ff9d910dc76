import { describe, expect, it } from 'vitest';
import { recordModeration } from '../../src/moderation/log.js';
import { removeComment, removePost } from '../../src/moderation/service.js';
import { actorFor } from '../../src/policy/actor.js';
import { useTestApp } from '../helpers/app.js';
import { makeComment, makePost, makeUser } from '../helpers/factories.js';
import { clientAs } from './helpers.js';

const { db, app } = useTestApp();

describe('the moderation log', () => {
  it('lists who did what, when and why, newest first, linking to the target and never its removed text', async () => {
    const mod = await makeUser(db, { role: 'moderator', username: 'mod_logger' });
    const moderator = actorFor(mod.id, { role: 'moderator' });
    const post = await makePost(db, { title: 'Logged post', markdown: 'Secret body of the logged post' });
    const comment = await makeComment(db, { markdown: 'Nasty words about penguins' });
    await removeComment(db, moderator, comment.id, 'Personal attack');
    await removePost(db, moderator, post.id, 'Duplicate');
    const response = await app.request('/moderation/log');
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain('mod_logger');
    expect(html).toContain('Personal attack');
    expect(html).toContain('Duplicate');
    expect(html).toContain(`href="/posts/${post.id}/${post.slug}"`);
    expect(html).toContain(`/comment/${comment.id}"`);
    expect(html).not.toContain('penguins');
    expect(html).not.toContain('Secret body');
    expect(html.indexOf('Duplicate')).toBeLessThan(html.indexOf('Personal attack'));
  });

  it('pages with a keyset cursor and refuses a broken one', async () => {
    const mod = await makeUser(db, { role: 'moderator' });
    const base = Date.now() - 1_000_000;
    for (let i = 0; i < 55; i++) {
      await db.query(
        `INSERT INTO moderation_log (moderator_id, action, target_type, target_id, target_label, reason, created_at)
         VALUES ($1, 'ban-user', 'user', $1, 'someone', $2, $3)`,
        [mod.id, `paging entry ${String(i).padStart(2, '0')}.`, new Date(base + i * 1000)],
      );
    }
    const first = await (await app.request('/moderation/log')).text();
    const next = /href="(\/moderation\/log\?after=[^"]+)"/.exec(first)?.[1];
    expect(next).toBeDefined();
    const second = await (await app.request(next!.replaceAll('&amp;', '&'))).text();
    const shown = (html: string) => [...html.matchAll(/paging entry (\d\d)\./g)].map((m) => Number(m[1]));
    const all = [...shown(first), ...shown(second)];
    // Every entry once, across the two pages.
    expect(all).toHaveLength(55);
    expect(new Set(all).size).toBe(55);
    expect(all).toEqual([...all].sort((a, b) => b - a));
    const broken = await app.request('/moderation/log?after=notacursor');
    expect(broken.status).toBe(422);
    expect(await broken.text()).toContain('broken');
  });

  it('refuses any attempt to delete or change an entry, even by an admin, and keeps it', async () => {
    const { client: admin, user } = await clientAs(app, db, 'admin');
    await recordModeration(db, {
      moderatorId: user.id,
      action: 'ban-user',
      targetType: 'user',
      targetId: user.id,
      targetLabel: 'x',
      reason: 'Keep me',
    });
    const [entry] = await db.query<{ id: number }>(`SELECT id FROM moderation_log WHERE reason = 'Keep me'`);
    for (const path of [`/moderation/log/${entry!.id}/delete`, `/moderation/log/${entry!.id}`, '/moderation/log']) {
      const response = await admin.post(path, {});
      expect(response.status, path).toBe(403);
      expect(await response.text()).toContain('entries cannot be deleted');
    }
    const { client: member } = await clientAs(app, db, 'member');
    expect((await member.post(`/moderation/log/${entry!.id}/delete`, {})).status).toBe(403);
    expect(await db.query(`SELECT id FROM moderation_log WHERE reason = 'Keep me'`)).toHaveLength(1);
  });
});
