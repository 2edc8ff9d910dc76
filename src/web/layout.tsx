import { raw } from 'hono/html';
import type { Child } from 'hono/jsx';
import type { SessionUser } from '../accounts/queries.js';
import { SITE_LANGUAGE } from '../feeds/build.js';
import { FeedLinks, type FeedRef } from '../feeds/links.js';
import { canEditSiteSettings, canReview } from '../policy/policy.js';
import { voteFormHtml } from '../votes/views.js';
import { CSRF_FIELD } from './middleware.js';

/** What every page's frame needs; routes build it with `pageContext(c)`. */
export interface PageContext {
  user: SessionUser | null;
  /** The site's name and description (an admin setting, held in the process: settings/store.ts). */
  site: { name: string; description: string };
  csrfToken: string;
  assets: {
    css: string;
    cssWithMath: string;
    js: string;
    katexCss: string;
    icon: string;
    /** Where KaTeX's font files are served (a folder URL ending in "/"). */
    mathFonts: string;
  };
  /** Current path, so the login link can bring the reader back. */
  path: string;
  /** Current path and query, where a vote without JavaScript comes back to (the page's vote form). */
  url?: string;
}

export function CsrfField({ token }: { token: string }) {
  return <input type="hidden" name={CSRF_FIELD} value={token} />;
}

export function Layout(props: {
  ctx: PageContext;
  /** The page's own title, shown before the site's name; absent on the frontpage (the site's name alone). */
  title?: string | undefined;
  children: Child;
  canonical?: string | undefined;
  description?: string | undefined;
  /** Pages showing rendered content need KaTeX's stylesheet (excerpts show formulas as MathML, which do not). */
  math?: boolean;
  /** This page's own feeds, announced before the site's. */
  feeds?: FeedRef[] | undefined;
  /**
   * KaTeX's font files the page's formulas are set in (content/math-fonts.ts), fetched beside the stylesheet:
   * found only once it is parsed and the page laid out, they would arrive after the text and redraw each formula.
   */
  mathFonts?: string[];
  /** The page shows vote buttons, so a logged-in reader's page carries the one form they submit. */
  votes?: boolean;
}) {
  const { ctx } = props;
  const site = ctx.site;
  const title = props.title ? `${props.title} · ${site.name}` : site.name;
  // A page without a description of its own is described as the site is.
  const description = props.description ?? site.description;
  // Without a doctype every page would render in quirks mode.
  return (
    <>
      {raw('<!doctype html>')}
      <html lang={SITE_LANGUAGE}>
        <head>
          <meta charset="utf-8" />
          <meta name="viewport" content="width=device-width, initial-scale=1" />
          <meta name="color-scheme" content="light dark" />
          <title>{title}</title>
          {description ? <meta name="description" content={description} /> : null}
          <meta property="og:site_name" content={site.name} />
          <meta property="og:title" content={props.title ?? site.name} />
          {description ? <meta property="og:description" content={description} /> : null}
          {props.canonical ? <link rel="canonical" href={props.canonical} /> : null}
          <FeedLinks feeds={props.feeds} siteName={site.name} />
          <link rel="icon" href={ctx.assets.icon} type="image/svg+xml" />
          {/* One stylesheet either way, KaTeX's inside ours where the page may show formulas (assets.ts). */}
          <link rel="stylesheet" href={props.math === false ? ctx.assets.css : ctx.assets.cssWithMath} />
          {props.mathFonts?.map((font) => (
            <link rel="preload" href={ctx.assets.mathFonts + font} as="font" type="font/woff2" crossorigin="" />
          ))}
          <script type="module" src={ctx.assets.js}></script>
        </head>
        {/* A page without math names KaTeX's stylesheet for the script that may bring math in ("Read more"). */}
        <body data-math-css={props.math === false ? ctx.assets.katexCss : undefined}>
          <a class="skip-link" href="#main">
            Skip to content
          </a>
          <header class="site-header">
            <nav class="site-nav" aria-label="Site">
              <a class="site-name" href="/">
                {site.name}
              </a>
              <ul class="nav-links">
                <li>
                  <a href="/sequences">Sequences</a>
                </li>
                <li>
                  <a href="/tags">Tags</a>
                </li>
                {ctx.user ? (
                  <>
                    <li>
                      <a href="/posts/new">New post</a>
                    </li>
                    {canEditSiteSettings(ctx.user) ? (
                      <li>
                        <a href="/admin/settings">Site settings</a>
                      </li>
                    ) : null}
                    {canReview(ctx.user) ? (
                      <li>
                        <a href="/moderation">Moderation</a>
                      </li>
                    ) : null}
                    {/* From the session (users.unread_notification_count, kept by triggers): no query on any page. */}
                    <li>
                      <a href="/notifications" class="nav-notifications">
                        Notifications
                        {ctx.user.unreadNotifications ? (
                          <span class="unread-count"> ({ctx.user.unreadNotifications} unread)</span>
                        ) : null}
                      </a>
                    </li>
                    {/* From the session (users.unseen_report_resolutions): no query on any page. */}
                    {ctx.user.unseenReportResolutions ? (
                      <li>
                        <a href="/reports" class="nav-reports">
                          Your reports ({ctx.user.unseenReportResolutions} resolved)
                        </a>
                      </li>
                    ) : null}
                    <li>
                      <a href={`/users/${ctx.user.username}`} class="nav-user">
                        {ctx.user.displayName}
                      </a>{' '}
                      <span class="karma" title="Karma">
                        {ctx.user.karma}
                      </span>
                    </li>
                    <li>
                      <form method="post" action="/logout" class="inline-form">
                        <CsrfField token={ctx.csrfToken} />
                        <button type="submit" class="link-button">
                          Log out
                        </button>
                      </form>
                    </li>
                  </>
                ) : (
                  <>
                    <li>
                      <a href={`/login?next=${encodeURIComponent(ctx.path)}`}>Log in</a>
                    </li>
                    <li>
                      <a href="/signup">Sign up</a>
                    </li>
                  </>
                )}
              </ul>
              {/* Works as a plain GET form; with JavaScript it suggests titles, users and tags (search-suggest.ts). */}
              <search class="site-search">
                <form method="get" action="/search" data-search-suggest="">
                  <label for="site-search-q" class="visually-hidden">
                    Search
                  </label>
                  <input id="site-search-q" name="q" type="search" placeholder="Search" maxlength={500} />
                  <button type="submit">Search</button>
                </form>
              </search>
            </nav>
          </header>
          <main id="main">{props.children}</main>
          {ctx.user && props.votes ? voteFormHtml(ctx.csrfToken, ctx.url ?? ctx.path) : null}
          <footer class="site-footer">
            <p>{site.description ? `${site.name} — ${site.description}` : site.name}</p>
          </footer>
        </body>
      </html>
    </>
  );
}
