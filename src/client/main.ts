// Progressive enhancement only: every page works without this script.

import { applyReaderMarks } from '../comments/marks-client.js';
import { enhancePostLinks, enhanceSequenceEditor } from '../sequences/client.js';
import { enhanceTagRelevance } from '../tags/relevance-client.js';
import { enhanceVotes } from '../votes/client.js';
import { enhanceComments } from './comments.js';
import { enhanceEditor } from './editor.js';
import { enhanceFootnotes } from './footnotes.js';
import { enhanceLists } from './lists.js';
import { enhanceLive } from './live.js';
import { enhanceScrollables } from './scrollables.js';
import { enhanceSearchSuggest } from './search-suggest.js';
import { enhanceTagPickers } from './tag-picker.js';

document.documentElement.classList.add('js');
applyReaderMarks(document);
// A form sent back with an error starts at its alert (screen readers announce it, keyboards continue from it).
const formAlert = document.querySelector<HTMLElement>('form .form-error[role="alert"]');
if (formAlert) {
  formAlert.tabIndex = -1;
  formAlert.focus();
}
for (const form of document.querySelectorAll<HTMLFormElement>('form[data-editor]')) enhanceEditor(form);
enhanceTagPickers(document);
enhanceTagRelevance(document);
enhanceFootnotes(document);
enhanceComments(document);
enhanceLists(document);
enhanceVotes(document);
enhancePostLinks(document);
enhanceSequenceEditor(document);
enhanceScrollables(document);
enhanceSearchSuggest(document);
enhanceLive(document);
