import { Parser } from 'htmlparser2';

export interface Element {
  name: string;
  attribs: Record<string, string>;
  classes: string[];
  /** Names of the open ancestors, outermost first. */
  ancestors: string[];
}

/** Every element of an HTML fragment, parsed the way the sanitizer parses it. */
export function elements(html: string): Element[] {
  const found: Element[] = [];
  const stack: string[] = [];
  const parser = new Parser(
    {
      onopentag(name, attribs) {
        found.push({
          name,
          attribs,
          classes: (attribs.class ?? '').split(/\s+/).filter(Boolean),
          ancestors: [...stack],
        });
        stack.push(name);
      },
      onclosetag() {
        stack.pop();
      },
    },
    { decodeEntities: true },
  );
  parser.end(html);
  return found;
}

export function byClass(html: string, className: string): Element[] {
  return elements(html).filter((element) => element.classes.includes(className));
}

export function countTag(html: string, name: string): number {
  return elements(html).filter((element) => element.name === name).length;
}

/** All text nodes, concatenated (entities decoded). */
export function textContent(html: string): string {
  let text = '';
  new Parser({ ontext: (chunk) => (text += chunk) }, { decodeEntities: true }).end(html);
  return text;
}

const FORBIDDEN_TAGS = new Set([
  'script',
  'style',
  'iframe',
  'object',
  'embed',
  'form',
  'button',
  'textarea',
  'select',
  'option',
  'base',
  'link',
  'meta',
  'frame',
  'frameset',
  'applet',
  'template',
  'noscript',
  'maction',
  'mglyph',
  'foreignobject',
  'use',
  'animate',
  'set',
  'image',
  'a:link',
]);
const URL_ATTRIBUTES = new Set([
  'href',
  'src',
  'xlink:href',
  'action',
  'formaction',
  'data',
  'srcset',
  'poster',
  'background',
  'cite',
]);

/**
 * Everything in sanitized HTML that could run script or escape the content box, as readable strings.
 * An empty list means the fragment is safe by our rules.
 */
export function dangers(html: string): string[] {
  const problems: string[] = [];
  for (const { name, attribs, ancestors } of elements(html)) {
    if (FORBIDDEN_TAGS.has(name)) problems.push(`<${name}>`);
    if ((name === 'svg' || name === 'math') && !ancestors.includes('span')) problems.push(`<${name}> outside KaTeX`);
    if (name === 'input' && (attribs.type !== 'checkbox' || attribs.disabled === undefined))
      problems.push('live <input>');
    for (const [attribute, value] of Object.entries(attribs)) {
      if (attribute.startsWith('on')) problems.push(`${name}@${attribute}`);
      if (attribute === 'target' || attribute === 'formaction' || attribute === 'srcdoc')
        problems.push(`${name}@${attribute}`);
      // biome-ignore lint/suspicious/noControlCharactersInRegex: browsers skip these characters in URLs
      const compact = value.replace(/[\u0000-\u0020]/g, '').toLowerCase();
      if (URL_ATTRIBUTES.has(attribute) && /^(javascript|vbscript|data|file):/.test(compact))
        problems.push(`${name}@${attribute}=${value}`);
      if (
        attribute === 'style' &&
        /url\(|expression|javascript|position:(fixed|absolute)|@import|behavior/i.test(compact)
      ) {
        problems.push(`${name}@style=${value}`);
      }
    }
  }
  return problems;
}
