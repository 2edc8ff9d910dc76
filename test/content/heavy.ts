/**
 * A long, ordinary-looking post that keeps the pipeline busy: `chars` characters of prose with a formula every
 * hundred characters, each distinct (so no formula cache helps); at full length about a second of work here.
 * `seed` makes texts differ.
 */
export function heavyMarkdown(seed: string | number, chars = 190_000): string {
  const paragraphs: string[] = [];
  let length = 0;
  for (let i = 0; length < chars; i++) {
    const paragraph =
      `Claim ${seed}-${i}: the *estimate* $\\sum_{k=${i}}^{n} \\frac{a_{k,${seed}}}{\\sqrt{k + ${i}}}$ holds ` +
      `for **every** [bound](https://example.org/${i}) with $x_{${i}}^{${seed}} \\le \\epsilon_{${i}}$.`;
    paragraphs.push(paragraph);
    length += paragraph.length + 2;
  }
  return paragraphs.join('\n\n');
}
