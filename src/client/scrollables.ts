// Wide formulas, code and tables scroll sideways inside the text. A keyboard can scroll only what it can focus,
// so each that overflows right now gets a place in the tab order (and loses it once it fits again, so narrow
// ones add no stops). Without this script they still scroll by mouse, touch and the screen reader's own keys.
const SCROLLABLE = '.content pre, .content table, .content .math-display, .content .katex-display';
const MARK = 'data-scroll-focus';

function update(root: ParentNode): void {
  for (const element of root.querySelectorAll<HTMLElement>(SCROLLABLE)) {
    const overflows = element.scrollWidth > element.clientWidth + 1;
    if (overflows && !element.hasAttribute('tabindex')) {
      element.tabIndex = 0;
      element.setAttribute(MARK, '');
    } else if (!overflows && element.hasAttribute(MARK)) {
      element.removeAttribute('tabindex');
      element.removeAttribute(MARK);
    }
  }
}

/** Keeps wide content keyboard-scrollable as the window resizes and as text is added (previews, "Read more"). */
export function enhanceScrollables(root: Document): void {
  let pending = false;
  const soon = () => {
    if (pending) return;
    pending = true;
    requestAnimationFrame(() => {
      pending = false;
      update(root);
    });
  };
  update(root);
  window.addEventListener('resize', soon);
  new MutationObserver(soon).observe(root.body, { childList: true, subtree: true });
}
