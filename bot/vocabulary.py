"""The curator-editable vocabulary: synonyms and lay terms, misspellings, conversation subjects.

In YAML (any file of the knowledge base, under a top-level ``vocabulary:`` key)::

    vocabulary:
      synonyms:                 # each group: the first entry is the canonical term
        - [recur, come back, came back, return, relapse, reoccur, recurrence]
        - [tumour, tumor]
      misspellings:             # typed -> meant
        recurance: recurrence
      words:                    # real words the spelling corrector must leave alone
        - cook rice south       # (several per line is fine)
      context:                  # subjects that carry into short follow-ups ("how is it treated?")
        - lung
        - breast
      topic:                    # words that show a message is about this FAQ's subject; a
        - cancer                # lexicon concept's id also counts through its terms and its
        - chemo                 # narrower concepts ("cancer" through "melanoma")
      fillers:                  # openings that carry no meaning ("ok. what tests...")
        - ok
        - so
      languages:                # marker words of other languages (a message mostly in one
        es: que los las por para una pero muy   # gets the short "I only understand English")
"""

from __future__ import annotations

from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Mapping


@dataclass(frozen=True)
class Vocabulary:
    """Synonym groups (first entry canonical), misspellings (typed -> meant), real words the
    spelling corrector leaves alone, context terms, and topic words."""

    synonyms: tuple[tuple[str, ...], ...] = ()
    misspellings: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    context: tuple[str, ...] = ()
    real_words: frozenset[str] = frozenset()
    topic: tuple[str, ...] = ()
    """Words and phrases that show a message is about the knowledge base's subject, or lexicon
    concept ids (then their terms and narrower concepts count). A long message is given a
    slightly lower threshold only when it uses one (see policy.Policy)."""
    fillers: tuple[str, ...] = ()
    """Words and phrases that open a message without meaning anything ("ok.", "so", "right,")."""
    languages: Mapping[str, frozenset[str]] = field(default_factory=lambda: MappingProxyType({}))
    """For other languages, marker words that show a message is written in one."""

    def merged(self, other: "Vocabulary") -> "Vocabulary":
        """This vocabulary with another's entries added (several files may hold vocabulary)."""
        return Vocabulary(
            synonyms=self.synonyms + other.synonyms,
            misspellings=MappingProxyType({**self.misspellings, **other.misspellings}),
            context=self.context + tuple(c for c in other.context if c not in self.context),
            real_words=self.real_words | other.real_words,
            topic=self.topic + tuple(t for t in other.topic if t not in self.topic),
            fillers=self.fillers + tuple(f for f in other.fillers if f not in self.fillers),
            languages=MappingProxyType({**self.languages, **{
                k: self.languages.get(k, frozenset()) | v for k, v in other.languages.items()}}),
        )

    def words(self) -> set[str]:
        """Every word the vocabulary mentions, so spelling correction knows them."""
        out: set[str] = set()
        for group in self.synonyms:
            for entry in group:
                out.update(entry.split())
        for meant in self.misspellings.values():
            out.update(meant.split())
        for term in self.context + self.topic:
            out.update(term.split())
        return out | self.real_words
