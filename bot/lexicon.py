"""Curated lexicons: what a message is about (concepts) and what it asks (question types).

A knowledge base may hold lexicons in any of its YAML files, under a top-level ``lexicon:`` key::

    lexicon:
      source: "NCI Thesaurus (CC BY 4.0) and MeSH (public domain), chosen and edited by hand"
      concepts:
        hormone_therapy:
          kind: treatment            # site | cancer | treatment | test | symptom | body | condition | topic
          broader: [cancer_treatment]
          terms: [hormone therapy, endocrine therapy, tamoxifen, letrozole, arimidex]
        other_disease:
          kind: condition
          endings: [itis, osis]      # "meningitis", "scoliosis": words the knowledge base does not know
      question_types:                # checked in this order; the first that fits the question wins
        side_effects: ["side effect|effects", "after effects"]
        signs:                       # or a mapping, with exceptions
          rules: ["signs|symptoms"]
          exceptions: ["sign up|in"]

A concept's terms are read the way questions are (lower case, stems, contractions expanded), so
"Arimidex" and "arimidex's" both name hormone therapy. A concept's ``endings`` name it by the end
of a word that nothing else in the knowledge base uses (patterns, answers, vocabulary, lexicon
terms): the many illnesses that are not ours ("blepharitis", "cardiomegaly") need no list, while
"mucositis", which a pattern uses, stays ours. Question types are rules in the trigger
language (see triggers.py). Intents say what they answer with ``about:`` (concepts) and
``asks:`` (a question type); the matcher counts a concept or a question type like a rare word
that the intent's every pattern uses, so an unseen wording with the right subject and the right
kind of question finds the right answer.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Iterable, Mapping

CONCEPT_KINDS = ("site", "cancer", "treatment", "test", "symptom", "body", "condition", "topic", "person")
"""What a concept may be. ``condition`` is an illness other than cancer: a message about one and
nothing of ours is off-topic, so its words keep the weight of unknown words in matching."""

CANCER_KINDS = frozenset({"site", "cancer"})
"""The kinds of concept that name a cancer itself ("bowel cancer", "NSCLC", "mets")."""
OURS_KINDS = CANCER_KINDS | {"treatment", "test"}
"""The kinds that name our subject: a cancer, or a treatment or test ("hospice", "ctDNA")."""

MATCHED_KINDS = frozenset({"site", "cancer", "treatment", "test", "symptom", "body"})
"""The kinds of concept matching counts. Life topics (work, money, travel) and people are the
subject of many questions that are not ours ("is red wine good for your heart?"): the words of
an intent's patterns, in a cancer context, tell those apart better than the topic itself."""

CONCEPT_PREFIX = "@"
TYPE_PREFIX = "?"
"""Matching features for concepts and question types; no word can start with either."""


@dataclass(frozen=True)
class Concept:
    """One thing a message can be about, with every term that names it."""

    id: str
    kind: str
    terms: tuple[str, ...]
    broader: tuple[str, ...] = ()
    path: str = ""
    line: int = 0
    endings: tuple[str, ...] = ()
    """Word endings that name this concept in a word the knowledge base does not otherwise use."""

    @property
    def feature(self) -> str:
        return CONCEPT_PREFIX + self.id


@dataclass(frozen=True)
class QuestionType:
    """One kind of question ("what is it", "side effects"), recognised by trigger rules."""

    id: str
    rules: tuple[str, ...]
    path: str = ""
    line: int = 0
    rule_lines: tuple[int, ...] = ()
    exceptions: tuple[str, ...] = ()
    """Look-alikes whose words cannot take part in the rules ("sign up" is not asking for signs)."""

    @property
    def feature(self) -> str:
        return TYPE_PREFIX + self.id


@dataclass(frozen=True)
class Lexicon:
    """Every concept and question type of a knowledge base, and where the lists came from."""

    concepts: Mapping[str, Concept] = field(default_factory=lambda: MappingProxyType({}))
    question_types: tuple[QuestionType, ...] = ()
    sources: tuple[str, ...] = ()

    def merged(self, other: "Lexicon") -> "Lexicon":
        """This lexicon with another file's entries added (ids are checked unique on load)."""
        return Lexicon(MappingProxyType({**self.concepts, **other.concepts}),
                       self.question_types + other.question_types, self.sources + other.sources)

    def expand(self, concept_ids: tuple[str, ...] | list[str]) -> tuple[str, ...]:
        """The concepts with every broader concept they belong to, each once, in order.

        >>> lex = Lexicon(MappingProxyType({
        ...     "letrozole": Concept("letrozole", "treatment", ("femara",), ("hormone_therapy",)),
        ...     "hormone_therapy": Concept("hormone_therapy", "treatment", ("hormone therapy",))}))
        >>> lex.expand(["letrozole"])
        ('letrozole', 'hormone_therapy')
        """
        out: dict[str, None] = {}
        todo = list(concept_ids)
        while todo:
            concept_id = todo.pop(0)
            if concept_id in out or concept_id not in self.concepts:
                continue
            out[concept_id] = None
            todo.extend(self.concepts[concept_id].broader)
        return tuple(out)

    def kind(self, concept_id: str) -> str:
        concept = self.concepts.get(concept_id)
        return concept.kind if concept else ""

    def kinds(self, concept_ids: Iterable[str]) -> set[str]:
        """The kinds of these concepts ("site", "treatment"...), each once."""
        return {self.kind(c) for c in concept_ids}
