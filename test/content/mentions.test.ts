import { describe, expect, it } from 'vitest';
import { mentionCandidates } from '../../src/content/mentions.js';
import { renderMarkdown } from '../../src/content/render.js';
import { mentionedUsernames } from '../../src/notifications/mentions.js';

const link = (name: string) => `<a href="/users/${name}" class="mention">@`;

describe('@mentions', () => {
  it('links members who exist (as the saving service found them), keeping what was typed', () => {
    const html = renderMarkdown('Thanks @Ada_L, @bob and @ghost.', { mentions: ['ada_l'] });
    expect(html).toContain(`${link('ada_l')}Ada_L</a>`);
    expect(html).toContain('@bob');
    expect(html).not.toContain(link('bob'));
    expect(mentionedUsernames(html)).toEqual(['ada_l']);
  });

  it('leaves code spans, code blocks, math, links and email addresses alone', () => {
    const source = [
      '`@ada` and $@ada$ and [see @ada](/x) and ada@ada.org and <a href="/y">@ada</a>',
      '',
      '```',
      '@ada',
      '```',
      '',
      '    @ada indented',
    ].join('\n');
    const html = renderMarkdown(source, { mentions: ['ada'] });
    expect(html).not.toContain('class="mention"');
    expect(mentionedUsernames(html)).toEqual([]);
  });

  it('finds candidates cheaply, and none in a text without an @name', () => {
    expect(mentionCandidates('No one here.')).toEqual([]);
    expect(mentionCandidates('Hi @Ada and @ada, mail me at x@y.org, see @b.')).toEqual(['ada']);
  });
});
