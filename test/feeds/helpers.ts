import { parseFeed } from '@rowanmanning/feed-parser';
import { XMLValidator } from 'fast-xml-parser';
import { expect } from 'vitest';

/** Parses a feed with a real feed parser after checking it is well-formed XML (the parser alone is lenient). */
export function parseStrictly(xml: string) {
  expect(XMLValidator.validate(xml)).toBe(true);
  return parseFeed(xml);
}
