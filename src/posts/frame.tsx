// A logged-in reader's post page is mostly what every reader of the post sees: its frame (the header, the post's
// title and meta, the comment form) differs between readers only in a few strings (their name, karma, CSRF
// token) and in a few choices (their vote on the post, whether they may edit it). So the frame is rendered once
// per post and choice, with stand-ins where the strings go (slots.ts), its text compressed once, and each view
// splices the reader's strings in between as stored (uncompressed) DEFLATE blocks, with the post's body and the
// comment section compressed apart (posts/page.tsx, comments/segments.ts). Rendering the page around the comment
// section in JSX and compressing it per view was about a third of a busy thread's views (bench, CPU profile).
// Frames are kept in the fragment cache until the post itself changes (`segments:<id>`, dropped by "post:<id>")
// or its tags do ("post-tags:<id>", "tag-names"): its score and comment count are stood in too, so votes and
// comments leave its frames alone. The reader's tag list is part of the frame, their relevance votes and whether
// they may tag a choice in its key.
//
// A frame is checked when it is made: filled with the reader's own strings it must be the page as rendered for
// them, byte for byte, or it is never used (a post whose title holds a stand-in, or a choice the key misses,
// falls back to rendering every view). The key holds every choice the page makes from the reader; the strings
// are escaped by the escaper JSX uses.
import type { Context } from 'hono';
import { raw } from 'hono/html';
import { type Child, Fragment } from 'hono/jsx';
import { escapeToBuffer } from 'hono/utils/html';
import { cachedFragment, cachesOf } from '../cache/middleware.js';
import { keepRecent } from '../cache/recent.js';
import { postTagsCacheTag } from '../tags/links-page.js';
import type { PostTagsProps } from '../tags/links-views.js';
import type { AppEnv } from '../web/context.js';
import { crcOf, type DeflatedPiece, deflatePiece, deflatePieceAsync, storedPiece } from '../web/gzip-splice.js';
import { AROUND_LEVEL, BODY_MARK, renderToString, SPLICE_MARK } from '../web/page.js';
import { slotsAt } from '../web/slots.js';
import type { PostRow } from './queries.js';
import { PostPage } from './views.js';

export type PostPageProps = Parameters<typeof PostPage>[0];

/** How hard a frame's text is compressed: once per post version and choice, for every reader making it. */
const FRAME_LEVEL = 6;
/** A reader's part longer than this (the script's marks on a long page) is compressed per view, not stored. */
const STORED_MAX = 512;

// Stand-ins: strings JSX escaping leaves alone and no page shows otherwise (checked when a frame is made).
const STAND_INS = {
  csrf: '~csrf~~~~~~~~~~~~~',
  username: '~username~~~~~~~~',
  displayName: '~displayname~~~~~',
  karma: '~karma~~~~~~~~~~~~',
  unread: '~unread~~~~~~~~~~~',
  reports: '~reports~~~~~~~~~~',
  url: '~url~~~~~~~~~~~~~~',
  marks: '~marks~~~~~~~~~~~~',
  firstNew: '~firstnew~~~~~~~~~',
  banner: '~banner~~~~~~~~~~~',
  afterBody: '~afterbody~~~~~~~~',
  liveSince: '~livesince~~~~~~~~',
} as const;
/**
 * Counts the page compares as numbers (for "1 comment" against "2 comments"): their stand-ins are numbers no post
 * reaches, and whether each is 1 is part of the key.
 */
const NUMBER_STAND_INS = {
  newCount: 987_654_321_101,
  score: 987_654_321_102,
  votes: 987_654_321_103,
  comments: 987_654_321_104,
} as const;

/** A post page's frame: its texts compressed, and between them the slots, by name (stand-ins, body, section). */
interface Frame {
  texts: DeflatedPiece[];
  slots: string[];
}

/**
 * A kept frame, and what it shows of the post's row (rowShown), of its tags (tagsShown) and their "Add a tag"
 * choices; null when its check failed (the page is then rendered).
 */
type Kept = { frame: Frame | null; row: string; tags: string; choices: string };

const shownOfRow = new WeakMap<PostRow, string>();
/**
 * What a frame shows of the post's row: all of it but its body (spliced in apart) and what a vote or comment
 * changes (stood in). Kept frames are dropped when anything else changes ("segments:<id>", with every change
 * announced as "post:<id>"), and a frame made from a row read before such a change is not used with a later one.
 */
function rowShown(post: PostRow): string {
  let shown = shownOfRow.get(post);
  if (shown === undefined) {
    const { bodyHtml, bodyMarkdown, wordCount, commentCount, lastActivityAt, baseScore, voteCount, ...rest } = post;
    shown = JSON.stringify(rest);
    shownOfRow.set(post, shown);
  }
  return shown;
}

/** Pages (a post's, with a key of choices) seen once without a frame: the next view of one makes it. */
const viewedOnce = new Map<string, true>();
const VIEWED_ONCE_KEPT = 20_000;

/** Counts since start, for tests: frames made, refused by the check, and used. */
export const frameCounts = { made: 0, refused: 0, used: 0 };

/**
 * The choices a post page makes from its reader: two readers with the same key see the same frame but for the
 * stood-in strings and numbers. What it shows of the post is checked apart (rowShown).
 */
function frameKey(props: PostPageProps, asked: string | undefined): string {
  const user = props.ctx.user!;
  return [
    props.sort,
    asked ?? '',
    props.commentPages.page,
    props.commentPages.pageCount,
    props.postVote ?? '',
    props.canEdit,
    props.canDelete,
    props.canVote,
    props.commentBox,
    props.canReport,
    Boolean(props.canModerate),
    Math.min(props.newCount, 2),
    props.firstNewHref !== undefined,
    props.readerMarks !== undefined,
    tagsChoice(props.tags),
    props.slots?.banner !== undefined,
    props.slots?.afterBody !== undefined,
    props.liveSince !== undefined,
    props.post.voteCount === 1,
    props.commentCount === 1,
    user.role,
    Boolean(user.unreadNotifications),
    Boolean(user.unseenReportResolutions),
  ].join('|');
}

const shownOfTags = new WeakMap<object, string>();
/** What a frame shows of the post's tags: their list (the reader's part of it is in the key, tagsChoice). */
function tagsShown(tags: PostTagsProps | undefined): string {
  if (!tags) return '';
  let shown = shownOfTags.get(tags.tags);
  if (shown === undefined) {
    shown = JSON.stringify(tags.tags);
    shownOfTags.set(tags.tags, shown);
  }
  return shown;
}

/** The tag list's choices made from its reader: whether they may tag the post, and their relevance votes. */
function tagsChoice(tags: PostTagsProps | undefined): string {
  if (!tags?.reader) return tags ? 'reader-less' : 'none';
  const votes = [...tags.reader.votes].map(([tagId, kind]) => `${tagId}=${kind}`).join(',');
  return `${tags.reader.canTag}:${votes}`;
}

/** The page's props with every reader's string a stand-in (and its body and section at their marks). */
function standInProps(props: PostPageProps): PostPageProps {
  const user = props.ctx.user!;
  const cast = (value: string) => value as unknown as number;
  return {
    ...props,
    ctx: {
      ...props.ctx,
      csrfToken: STAND_INS.csrf,
      path: STAND_INS.url,
      url: STAND_INS.url,
      user: {
        ...user,
        username: STAND_INS.username,
        displayName: STAND_INS.displayName,
        karma: cast(STAND_INS.karma),
        unreadNotifications: user.unreadNotifications ? cast(STAND_INS.unread) : 0,
        unseenReportResolutions: user.unseenReportResolutions ? cast(STAND_INS.reports) : 0,
      },
    },
    post: {
      ...props.post,
      baseScore: NUMBER_STAND_INS.score,
      voteCount: props.post.voteCount === 1 ? 1 : NUMBER_STAND_INS.votes,
    },
    commentCount: props.commentCount === 1 ? 1 : NUMBER_STAND_INS.comments,
    liveSince: props.liveSince === undefined ? undefined : STAND_INS.liveSince,
    readerMarks: props.readerMarks === undefined ? undefined : STAND_INS.marks,
    newCount: props.newCount > 1 ? NUMBER_STAND_INS.newCount : props.newCount,
    firstNewHref: props.firstNewHref === undefined ? undefined : STAND_INS.firstNew,
    tags:
      props.tags === undefined
        ? undefined
        : {
            ...props.tags,
            pageHref: STAND_INS.url,
            ...(props.tags.reader ? { reader: { ...props.tags.reader, csrfToken: STAND_INS.csrf } } : {}),
          },
    slots: {
      ...(props.slots?.banner !== undefined ? { banner: raw(STAND_INS.banner) } : {}),
      ...(props.slots?.afterBody !== undefined ? { afterBody: raw(STAND_INS.afterBody) } : {}),
    },
  };
}

/** HTML-escaped as JSX escapes text and attribute values. */
function escaped(value: string): string {
  const buffer: [string] = [''];
  escapeToBuffer(value, buffer);
  return buffer[0];
}

/** What fills each stood-in slot for this reader, as HTML. */
async function readerParts(props: PostPageProps): Promise<Record<string, string>> {
  const user = props.ctx.user!;
  const render = async (node: Child) => (node === undefined ? '' : renderToString(await Fragment({ children: node })));
  return {
    csrf: escaped(props.ctx.csrfToken),
    username: escaped(user.username),
    displayName: escaped(user.displayName),
    karma: escaped(String(user.karma)),
    unread: escaped(String(user.unreadNotifications ?? 0)),
    reports: escaped(String(user.unseenReportResolutions ?? 0)),
    url: escaped(props.ctx.url ?? props.ctx.path),
    marks: escaped(props.readerMarks ?? ''),
    newCount: String(props.newCount),
    score: String(props.post.baseScore),
    votes: String(props.post.voteCount),
    comments: String(props.commentCount),
    liveSince: escaped(props.liveSince ?? ''),
    firstNew: escaped(props.firstNewHref ?? ''),
    banner: await render(props.slots?.banner),
    afterBody: await render(props.slots?.afterBody),
  };
}

/** The slots' names by stand-in, for slotsAt. */
const SLOT_NAMES: Record<string, string> = {
  ...Object.fromEntries(Object.entries(STAND_INS).map(([name, standIn]) => [standIn, name])),
  ...Object.fromEntries(Object.entries(NUMBER_STAND_INS).map(([name, standIn]) => [String(standIn), name])),
  [BODY_MARK]: 'body',
  [SPLICE_MARK]: 'section',
};

/**
 * Makes the frame for these props and checks it against the page rendered for the reader (`rendered`, with the
 * body and section still at their marks): null when filling it does not give that page.
 */
async function makeFrame(props: PostPageProps, rendered: string, parts: Record<string, string>): Promise<Frame | null> {
  const html = await renderToString(<PostPage {...standInProps(props)} />);
  const pieces = slotsAt([html], SLOT_NAMES);
  const texts: string[] = [];
  const slots: string[] = [];
  const filled: string[] = [];
  pieces.forEach((piece, i) => {
    if (i % 2 === 0) {
      texts.push(piece);
      filled.push(piece);
      return;
    }
    const name = piece.slice(0, piece.indexOf(':'));
    slots.push(name);
    filled.push(name === 'body' ? BODY_MARK : name === 'section' ? SPLICE_MARK : (parts[name] ?? `\0${name}\0`));
  });
  if (filled.join('') !== rendered) return null;
  return { texts: texts.map((text) => deflatePiece(Buffer.from(text), FRAME_LEVEL)), slots };
}

/** How hard a post's body is compressed when kept: once per version of the post, for every reader's views. */
const BODY_LEVEL = 6;

/**
 * The post's body compressed once for every page made from one of its frames, kept until the post itself changes
 * ("segments:<id>", which its score and comment count leave alone).
 */
async function postBodyPiece(c: Context<AppEnv>, post: PostRow): Promise<DeflatedPiece> {
  const kept = await cachedFragment(c, `post-body:${post.id}`, [`segments:${post.id}`], async () => ({
    html: post.bodyHtml,
    piece: await deflatePieceAsync(Buffer.from(post.bodyHtml), BODY_LEVEL),
  }));
  // A row read on one side of an edit and a piece kept on the other differ: the row this page shows decides.
  return kept.html === post.bodyHtml ? kept.piece : deflatePiece(Buffer.from(post.bodyHtml), AROUND_LEVEL);
}

/** The reader's strings as pieces: stored as they are when short, compressed when long. */
function readerPiece(html: string): DeflatedPiece {
  const bytes = Buffer.from(html);
  return bytes.byteLength > STORED_MAX ? deflatePiece(bytes, AROUND_LEVEL) : storedPiece(bytes);
}

/**
 * The logged-in reader's post page as gzip pieces: from the post's kept frame when it has one for the page's
 * choices, filled with the reader's strings, `body` and `section`; otherwise rendered (and a frame made from that
 * render for the next reader). Undefined when the page has parts no frame holds (the reader's comments held for
 * review): the caller renders it whole. The staff's moderation panel shows only the post's row and their token.
 */
export async function framedPostPage(
  c: Context<AppEnv>,
  props: PostPageProps,
  asked: string | undefined,
  section: readonly DeflatedPiece[],
): Promise<DeflatedPiece[] | undefined> {
  // Without caches (off, or the reader's own write not yet heard of) a frame would be made for nothing.
  const caches = cachesOf(c);
  if (!caches || !props.ctx.user || props.pendingComments) return undefined;
  const post = props.post;
  const key = `post-frame:${post.id}:${frameKey(props, asked)}`;
  // A page seen once goes without: most pages of a large forum are seen once or twice by readers making the same
  // choices before the post changes, and making a frame costs two renders (forum day, bench: 6.2 and 7.5 ms of
  // server CPU a request before frames, 8.5 and 9.4 with a frame made at every first view).
  if (caches.fragments.peek(key) === undefined && !viewedOnce.has(key)) {
    keepRecent(viewedOnce, key, true, VIEWED_ONCE_KEPT);
    return undefined;
  }
  // Rendered with the body at its mark, to be spliced in compressed once too.
  const apart: PostPageProps = { ...props, bodyApart: true };
  let rendered: string | undefined;
  const parts = await readerParts(props);
  // The choices by a fingerprint: kept whole they would weigh as much as the frame.
  const choices = props.tags?.reader?.choicesHtml ?? '';
  const shown = { row: rowShown(post), tags: tagsShown(props.tags), choices: `${choices.length}:${crcOf(choices)}` };
  // Kept until the post or its tags change (the tags shown, "Add a tag"'s choices).
  const tags = [`segments:${post.id}`, postTagsCacheTag(post.id), 'tag-names'];
  let kept = await cachedFragment<Kept>(c, key, tags, async () => {
    rendered = await renderToString(<PostPage {...apart} />);
    const frame = await makeFrame(apart, rendered, parts);
    if (frame) frameCounts.made++;
    else frameCounts.refused++;
    return { frame, ...shown };
  });
  // Made from the row as it was before a change this one follows (or the reverse): made again, and kept in its
  // place unless a change comes meanwhile (so views of a stale frame make it again once, not each).
  const stale = kept.row !== shown.row || kept.tags !== shown.tags || kept.choices !== shown.choices;
  if (stale && !rendered) {
    const since = caches.fragments.begin();
    const page = await renderToString(<PostPage {...apart} />);
    kept = { frame: await makeFrame(apart, page, parts), ...shown };
    caches.fragments.store(key, since, kept, tags);
  }
  if (!kept.frame) return undefined;
  frameCounts.used++;
  const pieces: DeflatedPiece[] = [];
  const { texts, slots } = kept.frame;
  const bodyPiece = await postBodyPiece(c, post);
  texts.forEach((text, i) => {
    pieces.push(text);
    const name = slots[i];
    if (name === undefined) return;
    if (name === 'body') pieces.push(bodyPiece);
    else if (name === 'section') pieces.push(...section);
    else if (parts[name]) pieces.push(readerPiece(parts[name]));
  });
  return pieces;
}
