import { type HtmlEscapedString, html } from '../web/html.js';
import { MAX_REASON_CHARS } from './validation.js';

/** What readers see in place of removed content. */
export function removedNote(reason: string): string {
  return `Removed by a moderator: ${reason}`;
}

/**
 * The staff's controls inside a comment's per-reader slots (comments/views.tsx): a comment tree is rendered
 * once for every reader, so these are filled per request for staff only and never land in the shared tree.
 * `csrf` is the reader's hidden CSRF field, made by the caller.
 */
export function removeCommentControlHtml(commentId: string, csrf: HtmlEscapedString): HtmlEscapedString {
  return html`<details class="confirm-delete moderation-remove"><summary>Remove…</summary><form method="post" action="/moderation/comments/${commentId}/remove" class="inline-form">${csrf}<label>Reason <input type="text" name="reason" required maxlength="${MAX_REASON_CHARS}"/></label> <button type="submit" class="link-button danger-link">Remove (moderator)</button></form></details>`;
}

export function restoreCommentControlHtml(commentId: string, csrf: HtmlEscapedString): HtmlEscapedString {
  return html`<form method="post" action="/moderation/comments/${commentId}/restore" class="inline-form moderation-restore">${csrf}<label>Reason <input type="text" name="reason" required maxlength="${MAX_REASON_CHARS}"/></label> <button type="submit" class="link-button">Restore (moderator)</button></form>`;
}
