import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import type { Encoding } from './compression.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const katexDist = path.dirname(require.resolve('katex/dist/katex.min.css'));
const katexVersion = (
  JSON.parse(fs.readFileSync(path.join(katexDist, '..', 'package.json'), 'utf8')) as {
    version: string;
  }
).version;

export interface Asset {
  body: Uint8Array;
  contentType: string;
  /** Compressed copies, made on first request (at the highest settings: they are made once per process). */
  encoded?: Partial<Record<Encoding, Uint8Array>>;
}

/** Static files served under /static/ with content hashes in their names, so they can be cached forever. */
export interface Assets {
  /** Public URLs for the layout. */
  urls: { css: string; cssWithMath: string; js: string; katexCss: string; icon: string; mathFonts: string };
  get(name: string): Asset | undefined;
}

function hashed(name: string, body: Uint8Array): string {
  const digest = createHash('sha256').update(body).digest('base64url').slice(0, 10);
  const dot = name.lastIndexOf('.');
  return `${name.slice(0, dot)}.${digest}${name.slice(dot)}`;
}

/**
 * KaTeX's stylesheet as we serve it: text shows at once in a fallback font while a math font loads
 * (`font-display: swap`; KaTeX's `block` hides formulas for up to three seconds), and only WOFF2, which every
 * browser we serve reads, so the older formats are neither listed nor served.
 */
export function katexStylesheet(css: string): string {
  return css
    .replaceAll('font-display:block', 'font-display:swap')
    .replace(/,url\(fonts\/[\w-]+\.(?:woff|ttf)\) format\("(?:woff|truetype)"\)/g, '');
}

let cached: Promise<Assets> | undefined;

/** Bundles the client script and fingerprints the stylesheet once per process. */
export function loadAssets(): Promise<Assets> {
  cached ??= (async () => {
    const files = new Map<string, Asset>();
    const css = fs.readFileSync(path.join(here, 'static', 'style.css'));
    const cssName = hashed('style.css', css);
    files.set(cssName, { body: css, contentType: 'text/css; charset=utf-8' });

    const icon = fs.readFileSync(path.join(here, 'static', 'favicon.svg'));
    const iconName = hashed('favicon.svg', icon);
    files.set(iconName, { body: icon, contentType: 'image/svg+xml' });

    const bundle = await build({
      entryPoints: [path.join(here, '..', 'client', 'main.ts')],
      bundle: true,
      minify: true,
      format: 'esm',
      target: 'es2020',
      write: false,
    });
    const js = bundle.outputFiles[0]!.contents;
    const jsName = hashed('app.js', js);
    files.set(jsName, { body: js, contentType: 'text/javascript; charset=utf-8' });

    // KaTeX's stylesheet refers to fonts/…; both live under a versioned folder so the CSS always matches
    // the KaTeX that rendered the stored HTML.
    const katexPrefix = `katex-${katexVersion}/`;
    const katexCss = Buffer.from(katexStylesheet(fs.readFileSync(path.join(katexDist, 'katex.min.css'), 'utf8')));
    const katexCssName = `${katexPrefix}${hashed('katex.min.css', katexCss)}`;
    files.set(katexCssName, { body: katexCss, contentType: 'text/css; charset=utf-8' });
    for (const font of fs.readdirSync(path.join(katexDist, 'fonts'))) {
      if (!font.endsWith('.woff2')) continue;
      files.set(`${katexPrefix}fonts/${font}`, {
        body: fs.readFileSync(path.join(katexDist, 'fonts', font)),
        contentType: 'font/woff2',
      });
    }
    // Pages that show formulas get one stylesheet, ours and KaTeX's together, not two: each stylesheet in the
    // head holds back the first paint, and a second one needs a second connection (over HTTP/1.1), which on a
    // slow network costs more than its bytes. Its font URLs are rewritten to where the fonts are served.
    const withMath = Buffer.concat([
      css,
      Buffer.from(`\n${katexCss.toString('utf8').replaceAll('url(fonts/', `url(${katexPrefix}fonts/`)}`),
    ]);
    const withMathName = hashed('style-math.css', withMath);
    files.set(withMathName, { body: withMath, contentType: 'text/css; charset=utf-8' });
    return {
      urls: {
        css: `/static/${cssName}`,
        cssWithMath: `/static/${withMathName}`,
        js: `/static/${jsName}`,
        katexCss: `/static/${katexCssName}`,
        mathFonts: `/static/${katexPrefix}fonts/`,
        icon: `/static/${iconName}`,
      },
      get: (name) => files.get(name),
    };
  })();
  return cached;
}
