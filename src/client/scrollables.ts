// Wide formulas, code and tables scroll sideways inside the text. A keyboard can scroll only what it can focus,
// so each that overflows right now gets a place in the tab order (and loses it once it fits again, so narrow
// ones add no stops). Without this script they still scroll by mouse, touch and the screen reader's own keys.
const SCROLLABLE = '.content pre, .content table, .content .math-display, .content .katex-display';
const MARK = 'data-scroll-focus';

function update(root: ParentNode): void {
  const elements = [...root.querySelectorAll<HTMLElement>(SCROLLABLE)];
  // Every width is read before any attribute is written: a write between two reads would make the browser lay
  // out the page again for the second read.
  const overflowing = elements.map((element) => element.scrollWidth > element.clientWidth + 1);
  elements.forEach((element, i) => {
    if (overflowing[i] && !element.hasAttribute('tabindex')) {
      element.tabIndex = 0;
      element.setAttribute(MARK, '');
    } else if (!overflowing[i] && element.hasAttribute(MARK)) {
      element.removeAttribute('tabindex');
      element.removeAttribute(MARK);
    }
  });
}

/**
 * Keeps wide content keyboard-scrollable as the window resizes, as text is added (previews, "Read more") and as
 * fonts arrive. Widths are read in a ResizeObserver's callback, which runs right after the browser's own layout,
 * so reading them costs no layout of its own (read at start-up, they cost a whole extra one of a long post).
 */
export function enhanceScrollables(root: Document): void {
  const observer = new ResizeObserver(() => update(root));
  // The body's size changes with the window's width and whenever content is added or expanded.
  observer.observe(root.body);
  // Math fonts arriving widen formulas without always changing the body's size.
  root.fonts?.addEventListener('loadingdone', () => requestAnimationFrame(() => update(root)));
}
