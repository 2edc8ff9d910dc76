/** Shows a footnote's text beside its marker on hover or focus; the plain links keep working without this. */
export function enhanceFootnotes(root: ParentNode): void {
  let popup: HTMLElement | undefined;
  const hide = () => {
    popup?.remove();
    popup = undefined;
  };
  for (const link of root.querySelectorAll<HTMLAnchorElement>('.content sup a[href^="#"]')) {
    const show = () => {
      const id = decodeURIComponent(link.hash.slice(1));
      const note = id ? document.getElementById(id) : null;
      if (!note) return;
      hide();
      popup = document.createElement('div');
      popup.className = 'footnote-popup';
      popup.setAttribute('role', 'tooltip');
      for (const child of note.childNodes) popup.append(child.cloneNode(true));
      for (const back of popup.querySelectorAll('a[href^="#fnref"], .footnote-backref')) back.remove();
      document.body.append(popup);
      const box = link.getBoundingClientRect();
      const left = Math.min(
        window.scrollX + box.left,
        window.scrollX + document.documentElement.clientWidth - popup.offsetWidth - 8,
      );
      popup.style.left = `${Math.max(8, left)}px`;
      popup.style.top = `${window.scrollY + box.bottom + 6}px`;
    };
    link.addEventListener('mouseenter', show);
    link.addEventListener('focus', show);
    link.addEventListener('mouseleave', hide);
    link.addEventListener('blur', hide);
  }
  document.addEventListener('keydown', (e) => {
    if (e.key === 'Escape') hide();
  });
}
