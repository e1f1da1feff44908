"""Sphinx extension: numbers such as 835, 837 and 1500 can be searched for.

Sphinx leaves every all-digit word out of the search index, and its search page drops an all-digit
word from a query. In billing the numbers are the names: the 835, the 837P, the CMS-1500. This
registers an English search language that

* indexes all-digit words of three digits or more (two-digit words stay out: they are mostly
  list numbers and dates), and
* gives the search page a word splitter that marks such a query word so that it is looked up
  like any other word (the page skips a word that looks all-digit through its ``match`` method;
  the marked word answers that it does not).

After the build, a warning (an error under ``-W``) names any of 835, 837 and 1500 that the index
lacks.
"""

from __future__ import annotations

import json
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.search.en import SearchEnglish
from sphinx.util import logging

LOG = logging.getLogger(__name__)

# No quotes, < > or &: the template that writes language_data.js may escape them.
SPLITTER = r"""
function splitQuery(query) {
  var found = [];
  for (var term of query.split(/[^\p{Letter}\p{Number}_\p{Emoji_Presentation}]+/gu)) {
    if (!term) continue;
    if (/^\d{3,}$/.test(term)) {
      term = new String(term);
      term.match = function () { return null; };
    }
    found.push(term);
  }
  return found;
}
"""

MUST_FIND = ("835", "837", "1500")


class SearchEnglishWithNumbers(SearchEnglish):
    """English search that keeps numbers of three digits or more."""

    js_splitter_code = SPLITTER

    def word_filter(self, word: str) -> bool:
        if word.isdigit():
            return len(word) >= 3
        return super().word_filter(word)


def check_index(app: Sphinx, exception: Exception | None) -> None:
    index = Path(app.outdir) / "searchindex.js"
    if exception is not None or app.builder.name != "html" or not index.exists():
        return
    text = index.read_text(encoding="utf-8")
    terms = json.loads(text[text.index("(") + 1 : text.rindex(")")])["terms"]
    for number in MUST_FIND:
        if number not in terms:
            LOG.warning(f"the search index lacks the term {number}")


def setup(app: Sphinx) -> dict[str, object]:
    app.add_search_language(SearchEnglishWithNumbers)
    app.connect("build-finished", check_index)
    return {"parallel_read_safe": True}
