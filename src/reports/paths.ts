/** The report form for a post or a comment (reports/routes.tsx). */
export function reportPath(type: 'post' | 'comment', id: string): string {
  return `/reports/${type}/${id}`;
}
