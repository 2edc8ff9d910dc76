// Progressive enhancement only: every page works without this script.

import { enhancePostLinks, enhanceSequenceEditor } from '../sequences/client.js';
import { enhanceVotes } from '../votes/client.js';
import { enhanceComments } from './comments.js';
import { enhanceEditor } from './editor.js';
import { enhanceFootnotes } from './footnotes.js';
import { enhanceLists } from './lists.js';

document.documentElement.classList.add('js');
for (const form of document.querySelectorAll<HTMLFormElement>('form[data-editor]')) enhanceEditor(form);
enhanceFootnotes(document);
enhanceComments(document);
enhanceLists(document);
enhanceVotes(document);
enhancePostLinks(document);
enhanceSequenceEditor(document);
