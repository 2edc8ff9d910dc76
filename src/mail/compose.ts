import { type HtmlEscapedString, html } from '../web/html.js';

/** A message ready for a transport: both parts, and any extra headers (List-Unsubscribe). */
export interface MailMessage {
  from: string;
  to: string;
  subject: string;
  text: string;
  html: string;
  headers: Record<string, string>;
}

/**
 * The HTML part of every email: a plain document around the body (already HTML, built with html`…`, which
 * escapes what it interpolates) and, for notification mails, the unsubscribe footer. No images, no scripts, no
 * remote styles: mail clients block them anyway.
 */
export function mailDocument(parts: {
  subject: string;
  body: HtmlEscapedString;
  siteName: string;
  unsubscribeUrl?: string | undefined;
}): string {
  const footer = parts.unsubscribeUrl
    ? html`<p style="color:#666;font-size:13px">You get this email because of your notification settings on ${parts.siteName}.
<a href="${parts.unsubscribeUrl}">Stop emails like this</a>.</p>`
    : html`<p style="color:#666;font-size:13px">${parts.siteName}</p>`;
  return html`<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>${parts.subject}</title></head>
<body style="font-family:Georgia,serif;line-height:1.5;max-width:36em;margin:1em auto;padding:0 1em">
${parts.body}
<hr>
${footer}
</body>
</html>`.toString();
}

/** The plain-text part: the body text and the same footer as the HTML part. */
export function mailText(parts: { text: string; siteName: string; unsubscribeUrl?: string | undefined }): string {
  const footer = parts.unsubscribeUrl
    ? `You get this email because of your notification settings on ${parts.siteName}.\nStop emails like this: ${parts.unsubscribeUrl}`
    : parts.siteName;
  return `${parts.text.trimEnd()}\n\n-- \n${footer}\n`;
}

/** A link paragraph for account mails, in both parts' forms. */
export function linkParagraphs(intro: string, url: string, after: string) {
  return {
    text: `${intro}\n\n${url}\n\n${after}`,
    html: html`<p>${intro}</p>
<p><a href="${url}">${url}</a></p>
<p>${after}</p>`,
  };
}
