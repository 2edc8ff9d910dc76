// The editor's tags as a type-ahead. Without this script the field is a plain multiple select
// (tags/links-views.tsx TagChoiceField); with it the select stays in the form, hidden, as the field that is
// submitted: typing filters its options, choosing one selects it and shows it as a chip with a remove button.

/** Suggestions shown at once while typing. */
const MAX_SUGGESTIONS = 8;

let pickers = 0;

/** Upgrades every tag choice field under root. */
export function enhanceTagPickers(root: ParentNode): void {
  for (const field of root.querySelectorAll<HTMLElement>('[data-tag-picker]')) enhance(field);
}

function element<K extends keyof HTMLElementTagNameMap>(tag: K, props: Record<string, string> = {}) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(props)) node.setAttribute(name, value);
  return node;
}

function enhance(field: HTMLElement): void {
  const select = field.querySelector<HTMLSelectElement>('select[name="tags"]');
  if (!select) return;
  const n = ++pickers;
  const listId = `tag-suggestions-${n}`;
  const chips = element('ul', { class: 'tag-chips', 'aria-label': 'Chosen tags' });
  const input = element('input', {
    type: 'text',
    id: `tag-search-${n}`,
    class: 'tag-search',
    role: 'combobox',
    autocomplete: 'off',
    'aria-autocomplete': 'list',
    'aria-expanded': 'false',
    'aria-controls': listId,
    placeholder: 'Type to find a tag',
  });
  const describedBy = select.getAttribute('aria-describedby');
  if (describedBy) input.setAttribute('aria-describedby', describedBy);
  const list = element('ul', { id: listId, class: 'tag-suggestions', role: 'listbox', 'aria-label': 'Tags' });
  list.hidden = true;
  const label = field.querySelector('label');
  label?.setAttribute('for', input.id);
  const hint = field.querySelector('.field-hint');
  if (hint) hint.textContent = 'Type part of a tag’s name and press Enter (or click it) to add it.';
  select.hidden = true;
  select.after(chips, input, list);
  let active = -1;

  const changed = () => {
    // Tell the editor the form changed (its unsaved-changes warning listens for input).
    select.dispatchEvent(new Event('input', { bubbles: true }));
    showChips();
  };

  const showChips = () => {
    chips.replaceChildren(
      ...[...select.selectedOptions].map((option) => {
        const chip = element('li', { class: 'tag-chip' });
        const remove = element('button', { type: 'button', 'aria-label': `Remove ${option.text}` });
        remove.textContent = '×';
        remove.addEventListener('click', () => {
          option.selected = false;
          changed();
          input.focus();
        });
        chip.append(option.text, ' ', remove);
        return chip;
      }),
    );
  };

  const matches = (): HTMLOptionElement[] => {
    const query = input.value.trim().toLocaleLowerCase();
    if (query === '') return [];
    const found = [...select.options].filter((o) => !o.selected && o.text.toLocaleLowerCase().includes(query));
    // Names starting with the query first, then the rest in the select's (alphabetical) order.
    found.sort(
      (a, b) =>
        Number(!a.text.toLocaleLowerCase().startsWith(query)) - Number(!b.text.toLocaleLowerCase().startsWith(query)),
    );
    return found.slice(0, MAX_SUGGESTIONS);
  };

  const close = () => {
    list.hidden = true;
    list.replaceChildren();
    input.setAttribute('aria-expanded', 'false');
    input.removeAttribute('aria-activedescendant');
    active = -1;
  };

  const choose = (option: HTMLOptionElement) => {
    option.selected = true;
    input.value = '';
    close();
    changed();
    input.focus();
  };

  const highlight = (index: number) => {
    const items = [...list.children] as HTMLElement[];
    if (items.length === 0) return;
    active = (index + items.length) % items.length;
    for (const [i, item] of items.entries()) item.setAttribute('aria-selected', String(i === active));
    input.setAttribute('aria-activedescendant', items[active]!.id);
  };

  const suggest = () => {
    const found = matches();
    if (found.length === 0) {
      close();
      return;
    }
    list.replaceChildren(
      ...found.map((option, i) => {
        const item = element('li', { id: `${listId}-${i}`, role: 'option', 'aria-selected': 'false' });
        item.textContent = option.text;
        item.dataset.value = option.value;
        // mousedown, not click: the input keeps focus, so the list is not closed by its blur first.
        item.addEventListener('mousedown', (event) => {
          event.preventDefault();
          choose(option);
        });
        return item;
      }),
    );
    list.hidden = false;
    input.setAttribute('aria-expanded', 'true');
    highlight(0);
  };

  input.addEventListener('input', (event) => {
    // The typing is not a change to the post: the editor hears of the tag only when one is chosen.
    event.stopPropagation();
    suggest();
  });
  input.addEventListener('keydown', (event) => {
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      if (list.hidden) suggest();
      else highlight(active + (event.key === 'ArrowDown' ? 1 : -1));
    } else if (event.key === 'Enter') {
      // Enter in the search box picks a tag; it never submits the post.
      event.preventDefault();
      const item = list.children[active] as HTMLElement | undefined;
      const option = [...select.options].find((o) => o.value === item?.dataset.value);
      if (option) choose(option);
    } else if (event.key === 'Escape') {
      close();
    } else if (event.key === 'Backspace' && input.value === '' && select.selectedOptions.length > 0) {
      // Backspace in an empty box removes the last chip, as in most tag inputs.
      const last = select.selectedOptions[select.selectedOptions.length - 1]!;
      last.selected = false;
      changed();
    }
  });
  input.addEventListener('blur', close);
  showChips();
}
