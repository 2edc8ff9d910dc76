/** The canonical address of a tag's page (its old slugs redirect here). */
export function tagPath(tag: { slug: string }): string {
  return `/tags/${tag.slug}`;
}

export function tagHistoryPath(tag: { slug: string }): string {
  return `${tagPath(tag)}/history`;
}
