import { raw } from 'hono/html';
import { Time } from '../web/time.js';
import type { CommentNode } from './tree.js';

/** Indentation stops growing past this depth; deeper replies name whom they answer instead. */
export const MAX_INDENT_DEPTH = 8;

function CommentItem({ node, depth, parentAuthor }: { node: CommentNode; depth: number; parentAuthor?: string }) {
  const c = node.comment;
  const replies = node.replies.length;
  return (
    <article
      class={`comment${depth >= MAX_INDENT_DEPTH ? ' comment-flat' : ''}${c.retracted ? ' comment-retracted' : ''}`}
      id={`comment-${c.id}`}
      aria-label={`Comment by ${c.deleted ? 'a deleted comment' : c.authorDisplayName}`}
    >
      <details open>
        <summary class="comment-header">
          {c.deleted ? (
            <span class="comment-author">[deleted]</span>
          ) : (
            <a class="comment-author" href={`/users/${c.authorUsername}`}>
              {c.authorDisplayName}
            </a>
          )}{' '}
          <span class="comment-score" title="Karma">
            {c.baseScore}
          </span>{' '}
          <Time date={c.createdAt} />
          {c.editedAt ? <span class="comment-edited"> (edited)</span> : null}
          {depth >= MAX_INDENT_DEPTH && parentAuthor ? (
            <span class="reply-to"> ↪ replying to {parentAuthor}</span>
          ) : null}
          {replies > 0 ? (
            <span class="collapsed-count">
              {' '}
              [+{node.descendantCount} {node.descendantCount === 1 ? 'reply' : 'replies'}]
            </span>
          ) : null}
        </summary>
        <div class="comment-body content">{c.deleted ? <p class="deleted-note">[deleted]</p> : raw(c.bodyHtml)}</div>
        {replies > 0 ? (
          <div class="comment-replies">
            {node.replies.map((reply) => (
              <CommentItem
                node={reply}
                depth={depth + 1}
                parentAuthor={c.deleted ? '[deleted]' : c.authorDisplayName}
              />
            ))}
          </div>
        ) : null}
      </details>
    </article>
  );
}

export function CommentTree({ nodes }: { nodes: CommentNode[] }) {
  return (
    <div class="comment-tree">
      {nodes.map((node) => (
        <CommentItem node={node} depth={0} />
      ))}
    </div>
  );
}
