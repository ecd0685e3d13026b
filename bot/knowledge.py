"""Load and validate a knowledge base: every ``*.yml`` under a folder, recursively.

A file may hold ``intents:`` (with an optional ``topic:``), ``vocabulary:`` and ``settings:``.
Validation collects every problem it finds (``check`` reports them all in one run);
``load_knowledge_base`` raises the first one.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from dataclasses import dataclass, replace
from pathlib import Path
from types import MappingProxyType
from typing import Any

from .errors import BotError, IntentFileError
from .lexicon import CONCEPT_KINDS, Concept, Lexicon, QuestionType
from .model import Intent, PersonalRules, SafetyRules, Source
from .normalise import normalise
from .settings import (DEFAULT_DISCLAIMER, DEFAULT_MESSAGES, DEFAULT_VALUES, MESSAGE_PLACEHOLDERS, Settings,
                       UnknownPlaceholder)
from .triggers import length_problem
from .vocabulary import Vocabulary
from .yaml_source import LocatedDict, LocatedList, line_of, read_yaml

ID_PATTERN = re.compile(r"^[a-z0-9_]+$")
INTENT_TYPES = ("content", "conversation", "red_flag", "out_of_scope")
TOP_LEVEL_KEYS = ("topic", "intents", "vocabulary", "settings", "lexicon", "safety", "personal")
INTENT_KEYS = ("id", "question", "patterns", "answer", "sources", "reviewed", "type", "related",
               "triggers", "exceptions", "about", "asks", "covers", "answer_for", "urgency", "first_action",
               "asking", "language", "requires_topic")
RED_FLAG_KEYS = ("urgency", "first_action", "asking", "requires_topic")
SAFETY_KEYS = ("asking", "now", "help_coming")
PERSONAL_KEYS = ("intent", "about", "own_case", "judgement", "question_types", "exceptions", "general",
                 "feelings", "feelings_answered_by")
LEXICON_KEYS = ("source", "concepts", "question_types")
VOCABULARY_KEYS = ("synonyms", "misspellings", "words", "context", "topic", "fillers", "languages")
SOURCE_KEYS = ("url", "title", "accessed")
_HAS_WORD = re.compile(r"[^\W_]")
_URL = re.compile(r"^https?://[^\s/$.?#][^\s]*$", re.IGNORECASE)


@dataclass(frozen=True)
class KnowledgeBase:
    """Everything loaded from one folder."""

    root: Path
    files: tuple[Path, ...]
    intents: tuple[Intent, ...]
    vocabulary: Vocabulary
    settings: Settings
    lexicon: Lexicon = Lexicon()
    safety: SafetyRules = SafetyRules()
    personal: PersonalRules = PersonalRules()


def shipped_intents_folder() -> Path:
    """The knowledge base that ships with the package (a wheel) or the repository (a checkout)."""
    here = Path(__file__).resolve().parent
    installed = here / "_intents"
    if installed.is_dir():
        return installed
    return here.parent / "intents"


def knowledge_files(folder: Path) -> list[Path]:
    """The YAML files of a knowledge base, in a stable order; hidden files are skipped."""
    found = [*folder.rglob("*.yml"), *folder.rglob("*.yaml")]
    return sorted(
        p for p in found
        if p.is_file() and not any(part.startswith(".") for part in p.relative_to(folder).parts)
    )


def load_knowledge_base(folder: str | Path | None = None, *, locale: str | None = None) -> KnowledgeBase:
    """Load a knowledge base, raising the first problem as an IntentFileError."""
    kb, problems = validate_knowledge_base(folder, locale=locale)
    if problems:
        first = problems[0]
        if len(problems) > 1:
            more = len(problems) - 1
            first = IntentFileError(
                f"{first.message} (and {more} more problem{'s' if more > 1 else ''}; "
                "run `python run_bot.py check` to see all)",
                path=first.path, line=first.line, intent=first.intent,
            )
        raise first
    assert kb is not None
    return kb


def validate_knowledge_base(
    folder: str | Path | None = None, *, locale: str | None = None
) -> tuple[KnowledgeBase | None, list[IntentFileError]]:
    """Read a knowledge base and collect every problem instead of stopping at the first."""
    root = Path(folder) if folder is not None else shipped_intents_folder()
    if not root.exists():
        return None, [IntentFileError("no such knowledge-base folder", path=root)]
    files = [root] if root.is_file() else knowledge_files(root)
    if not files:
        return None, [IntentFileError("no intent files (*.yml) in this folder", path=root)]
    reader = _Reader()
    for path in files:
        reader.read_file(path)
    return reader.finish(root, tuple(files), locale)


class _Reader:
    def __init__(self) -> None:
        self.problems: list[IntentFileError] = []
        self.raw_intents: list[tuple[Intent, Path]] = []
        self.vocabulary = Vocabulary()
        self._topic_ids: list[tuple[str, Path, int]] = []
        self.lexicon = Lexicon()
        self.safety = SafetyRules()
        self.personal = PersonalRules()
        self.settings_data: tuple[LocatedDict, Path] | None = None

    def problem(self, message: str, path: Path, line: int | None = None, intent: str | None = None) -> None:
        self.problems.append(IntentFileError(message, path=path, line=line, intent=intent))

    def read_file(self, path: Path) -> None:
        try:
            data = read_yaml(path)
        except IntentFileError as exc:
            self.problems.append(exc)
            return
        if data is None:
            self.problem("the file is empty; expected `intents:`, `vocabulary:` or `settings:`", path, 1)
            return
        if not isinstance(data, LocatedDict):
            self.problem("the file must be a mapping with `intents:` (found a "
                         f"{_kind(data)} at the top)", path, line_of(data, 1))
            return
        unknown = [k for k in data if k not in TOP_LEVEL_KEYS]
        for key in unknown:
            self.problem(f"unknown top-level key {key!r} (expected one of: {', '.join(TOP_LEVEL_KEYS)})",
                         path, data.line_of(key))
        if not any(k in data for k in TOP_LEVEL_KEYS[1:]):
            if not unknown:
                self.problem("expected `intents:`, `vocabulary:`, `lexicon:`, `safety:` or `settings:`", path, 1)
            return
        topic = data.get("topic", _topic_from_filename(path))
        if not isinstance(topic, str) or not topic.strip():
            self.problem("`topic` must be a non-empty text", path, data.line_of("topic"))
            topic = _topic_from_filename(path)
        if "intents" in data:
            self.read_intents(data["intents"], path, data.line_of("intents"), topic.strip())
        if "vocabulary" in data:
            self.read_vocabulary(data["vocabulary"], path, data.line_of("vocabulary"))
        if "lexicon" in data:
            self.read_lexicon(data["lexicon"], path, data.line_of("lexicon"))
        if "safety" in data:
            self.read_safety(data["safety"], path, data.line_of("safety"))
        if "personal" in data:
            self.read_personal(data["personal"], path, data.line_of("personal"))
        if "settings" in data:
            if self.settings_data is not None:
                self.problem(f"settings are already defined in {self.settings_data[1]}", path,
                             data.line_of("settings"))
            elif isinstance(data["settings"], LocatedDict):
                self.settings_data = (data["settings"], path)
            else:
                self.problem("`settings` must be a mapping", path, data.line_of("settings"))

    def read_intents(self, items: Any, path: Path, line: int, topic: str) -> None:
        if not isinstance(items, LocatedList):
            self.problem(f"`intents` must be a list of intents (found a {_kind(items)})", path, line)
            return
        if not items:
            self.problem("`intents` is empty", path, line)
        for item, item_line in zip(items, items.item_lines):
            if not isinstance(item, LocatedDict):
                self.problem(f"each intent must be a mapping with id, patterns and answer "
                             f"(found a {_kind(item)})", path, item_line)
                continue
            intent = self.read_intent(item, path, topic)
            if intent is not None:
                self.raw_intents.append((intent, path))

    def read_intent(self, item: LocatedDict, path: Path, topic: str) -> Intent | None:
        before = len(self.problems)
        intent_id = item.get("id")
        where = item.line
        if not isinstance(intent_id, str) or not ID_PATTERN.match(intent_id):
            self.problem(f"intent `id` must be lower-case letters, digits and _ (found {intent_id!r})",
                         path, item.line_of("id"))
            intent_id = None
        label = intent_id or "?"

        def fail(message: str, key: str | None = None, line: int | None = None) -> None:
            self.problem(f"intent {label!r}: {message}", path,
                         line if line is not None else item.line_of(key) if key else where, intent_id)

        for key in item:
            if key not in INTENT_KEYS:
                fail(f"unknown field {key!r}{_did_you_mean(key, INTENT_KEYS)} (expected: {', '.join(INTENT_KEYS)})",
                     key)

        question = item.get("question")
        if "question" in item and (not isinstance(question, str) or not question.strip()):
            fail("`question` must be non-empty text (the canonical wording shown in suggestions)",
                 "question")
            question = ""

        intent_type = item.get("type", "content")
        if intent_type not in INTENT_TYPES:
            fail(f"`type` must be one of {', '.join(INTENT_TYPES)} (found {intent_type!r})", "type")
            intent_type = "content"

        patterns, pattern_lines = self.read_patterns(item, fail)

        answer = item.get("answer")
        if "answer" not in item:
            fail("`answer` is missing")
        elif not isinstance(answer, str) or not answer.strip():
            fail("`answer` must be non-empty text", "answer")

        sources = self.read_sources(item.get("sources"), item, fail)
        reviewed = _read_date(item.get("reviewed"))
        if "reviewed" in item and reviewed is None:
            fail(f"`reviewed` must be a date like 2026-11-22 (found {item.get('reviewed')!r})", "reviewed")

        triggers, trigger_lines = self.read_triggers(item, intent_type, fail)
        exceptions = item.get("exceptions", [])
        if not isinstance(exceptions, list) or not all(isinstance(e, str) and normalise(e) for e in exceptions):
            fail("`exceptions` must be a list of texts", "exceptions")
            exceptions = []
        elif exceptions and intent_type != "red_flag" and not triggers:
            fail("`exceptions` only applies to triggers: a red-flag intent's patterns, or an "
                 "intent's `triggers`", "exceptions")

        rules = (patterns, pattern_lines) if intent_type == "red_flag" else (triggers, trigger_lines)
        self.check_rule_lengths(*rules, exceptions, item.line_of("exceptions"), fail)

        related = item.get("related", [])
        if not isinstance(related, list) or not all(isinstance(r, str) for r in related):
            fail("`related` must be a list of intent ids", "related")
            related = []

        about = item.get("about", [])
        if not isinstance(about, list) or not all(isinstance(a, str) and ID_PATTERN.match(a) for a in about):
            fail("`about` must be a list of lexicon concept ids", "about")
            about = []
        asks = item.get("asks")
        if asks is not None and not (isinstance(asks, str) and ID_PATTERN.match(asks)):
            fail("`asks` must be one lexicon question type id", "asks")
            asks = None
        covers = item.get("covers", [])
        if not isinstance(covers, list) or not all(isinstance(c, str) and ID_PATTERN.match(c) for c in covers):
            fail("`covers` must be a list of intent ids", "covers")
            covers = []
        elif covers and not about:
            fail("`covers` needs `about`: the subject for which this answer stands in for the general ones",
                 "covers")
        answer_for: list[tuple[str, str]] = []
        variants = item.get("answer_for", LocatedDict())
        if not isinstance(variants, LocatedDict) or not all(
                isinstance(v, str) and v.strip() and ID_PATTERN.match(k) for k, v in variants.items()):
            fail("`answer_for` must map question type ids to answer texts", "answer_for")
        else:
            answer_for = [(k, v.strip()) for k, v in variants.items()]
        language = item.get("language", "en")
        if not isinstance(language, str) or not re.fullmatch(r"[a-z]{2,3}", language):
            fail(f"`language` must be a language code such as en or es (found {language!r})", "language")
            language = "en"
        urgency = item.get("urgency", 0)
        if isinstance(urgency, bool) or not isinstance(urgency, int) or urgency < 0:
            fail(f"`urgency` must be a whole number, 0 or more (found {urgency!r})", "urgency")
            urgency = 0
        requires_topic = item.get("requires_topic", False)
        if not isinstance(requires_topic, bool):
            fail("`requires_topic` must be true or false", "requires_topic")
            requires_topic = False
        first_action, asking = (item.get(key, "") for key in ("first_action", "asking"))
        for key, value in (("first_action", first_action), ("asking", asking)):
            if not isinstance(value, str):
                fail(f"`{key}` must be text", key)
        for key in RED_FLAG_KEYS:
            if key in item and intent_type != "red_flag":
                fail(f"`{key}` only applies to red-flag intents (type: red_flag)", key)
        if intent_type == "red_flag" and isinstance(first_action, str) and "\n" in first_action.strip():
            fail("`first_action` must be one line: the reply's first line says what to do now", "first_action")

        if len(self.problems) > before or intent_id is None or not isinstance(answer, str):
            return None
        if not isinstance(question, str) or not question:
            # Without a canonical question, suggestions show the first pattern, as a question.
            question = patterns[0][:1].upper() + patterns[0][1:].rstrip("?") + "?"
        return Intent(
            id=intent_id, question=question.strip(), patterns=tuple(patterns),
            answer=answer.strip(), sources=tuple(sources), reviewed=reviewed,
            type=intent_type, topic=topic, related=tuple(related), path=str(path), line=where,
            pattern_lines=tuple(pattern_lines), exceptions=tuple(e.strip() for e in exceptions),
            triggers=tuple(triggers), trigger_lines=tuple(trigger_lines), about=tuple(about), asks=asks,
            covers=tuple(covers), answer_for=tuple(answer_for), urgency=urgency, language=language,
            requires_topic=requires_topic,
            first_action=" ".join(first_action.split()) if isinstance(first_action, str) else "",
            asking=asking.strip() if isinstance(asking, str) else "",
        )

    def read_triggers(self, item: LocatedDict, intent_type: str, fail: Any) -> tuple[list[str], list[int]]:
        """An intent's `triggers`: rules (in the red-flag trigger language) that always reach it."""
        if "triggers" not in item:
            return [], []
        if intent_type == "red_flag":
            fail("a red-flag intent's patterns are its triggers: list them under `patterns`", "triggers")
            return [], []
        return self.read_texts(item, "triggers", "trigger", fail)

    @staticmethod
    def check_rule_lengths(texts: list[str], lines: list[int], exceptions: list[str],
                           exceptions_line: int, fail: Any) -> None:
        """Triggers and exceptions past the length limit: refused here, so that no rule a
        knowledge base brings can make matching slow."""
        for text, line in [*zip(texts, lines), *((e, exceptions_line) for e in exceptions)]:
            problem = length_problem(text)
            if problem is not None:
                shown = text if len(text) <= 60 else f"{text[:57]}..."
                fail(f"trigger {shown!r}: {problem}", line=line)

    def read_patterns(self, item: LocatedDict, fail: Any) -> tuple[list[str], list[int]]:
        if "patterns" not in item:
            fail("`patterns` is missing (a list of ways people ask this)")
            return [], []
        return self.read_texts(item, "patterns", "pattern", fail)

    def read_texts(self, item: LocatedDict, key: str, noun: str, fail: Any) -> tuple[list[str], list[int]]:
        """A non-empty list of texts under ``key``, with the line of each."""
        texts = item.get(key)
        if not isinstance(texts, LocatedList) or not texts:
            fail(f"`{key}` must be a non-empty list of texts", key)
            return [], []
        out: list[str] = []
        lines: list[int] = []
        for text, line in zip(texts, texts.item_lines):
            if isinstance(text, bool):
                fail(f"{noun} reads as the boolean {str(text).lower()}: YAML turns yes/no/on/off "
                     f"into true/false, so put the {noun} in quotes", line=line)
            elif not isinstance(text, str):
                fail(f"{noun} {text!r} is a {_kind(text)}, not text: put it in quotes", line=line)
            elif not _HAS_WORD.search(text):
                fail(f"{noun} {text!r} has no words", line=line)
            else:
                out.append(text.strip())
                lines.append(line)
        return out, lines

    def read_sources(self, sources: Any, item: LocatedDict, fail: Any) -> list[Source]:
        if sources is None:
            return []
        if not isinstance(sources, LocatedList):
            fail("`sources` must be a list of {url, title}", "sources")
            return []
        out: list[Source] = []
        for source, line in zip(sources, sources.item_lines):
            if not isinstance(source, LocatedDict):
                fail("each source must be a mapping with `url` and `title`", line=line)
                continue
            for key in source:
                if key not in SOURCE_KEYS:
                    fail(f"unknown source field {key!r} (expected: {', '.join(SOURCE_KEYS)})",
                         line=source.line_of(key))
            url, title = source.get("url"), source.get("title", "")
            if not isinstance(url, str) or not _URL.match(url.strip()):
                fail(f"source url must be an http(s) address (found {url!r})", line=source.line_of("url"))
                continue
            if not isinstance(title, str):
                fail("source title must be text", line=source.line_of("title"))
                continue
            out.append(Source(url=url.strip(), title=title.strip()))
        return out

    def texts(self, data: LocatedDict, key: str, path: Path) -> tuple[str, ...]:
        """A vocabulary list of texts (words or phrases), or () with a problem reported."""
        value = data.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) and normalise(v) for v in value):
            self.problem(f"`{key}` must be a list of texts", path, data.line_of(key))
            return ()
        return tuple(v.strip() for v in value)

    def read_vocabulary(self, data: Any, path: Path, line: int) -> None:
        if not isinstance(data, LocatedDict):
            self.problem("`vocabulary` must be a mapping with synonyms, misspellings, words, context, "
                         "topic", path, line)
            return
        for key in data:
            if key not in VOCABULARY_KEYS:
                self.problem(f"unknown vocabulary key {key!r}{_did_you_mean(key, VOCABULARY_KEYS)} (expected "
                             f"{', '.join(VOCABULARY_KEYS)})", path, data.line_of(key))
        groups: list[tuple[str, ...]] = []
        synonyms = data.get("synonyms", [])
        if not isinstance(synonyms, list):
            self.problem("`synonyms` must be a list of lists", path, data.line_of("synonyms"))
            synonyms = []
        for group, group_line in zip(synonyms, getattr(synonyms, "item_lines", [])):
            if (not isinstance(group, list) or len(group) < 2
                    or not all(isinstance(w, str) and normalise(w) for w in group)):
                self.problem("each synonym group must be a list of two or more texts "
                             "(quote yes/no/on/off)", path, group_line)
                continue
            groups.append(tuple(w.strip() for w in group))
        misspellings = data.get("misspellings", {})
        fixed: dict[str, str] = {}
        if not isinstance(misspellings, LocatedDict):
            if misspellings:
                self.problem("`misspellings` must be a mapping of typed: meant", path,
                             data.line_of("misspellings"))
        else:
            for typed, meant in misspellings.items():
                if not isinstance(meant, str) or not normalise(meant) or len(normalise(typed).split()) != 1:
                    self.problem(f"misspelling {typed!r}: must map one typed word to text",
                                 path, misspellings.line_of(typed))
                    continue
                fixed[normalise(typed)] = meant
        real_words = data.get("words", [])
        if not isinstance(real_words, list) or not all(isinstance(w, str) for w in real_words):
            self.problem("`words` must be a list of texts (real words, several per line allowed)",
                         path, data.line_of("words"))
            real_words = []
        context, topic, fillers = (self.texts(data, key, path) for key in ("context", "topic", "fillers"))
        # A topic entry written as an id ("tumor_marker") names a lexicon concept: checked once
        # the whole knowledge base, and so its lexicon, is read.
        self._topic_ids.extend((entry, path, data.line_of("topic")) for entry in topic if "_" in entry)
        languages: dict[str, frozenset[str]] = {}
        raw_languages = data.get("languages", LocatedDict())
        if not isinstance(raw_languages, LocatedDict) or not all(
                isinstance(k, str) and re.fullmatch(r"[a-z]{2,3}", k) and isinstance(v, str)
                for k, v in raw_languages.items()):
            self.problem("`languages` must map language codes (es, fr) to their marker words", path,
                         data.line_of("languages"))
        else:
            languages = {k: frozenset(normalise(v).split()) for k, v in raw_languages.items()}
        self.vocabulary = self.vocabulary.merged(
            Vocabulary(synonyms=tuple(groups), misspellings=MappingProxyType(fixed),
                       context=context, topic=topic, fillers=fillers, languages=MappingProxyType(languages),
                       real_words=frozenset(w for line in real_words for w in normalise(line).split()))
        )

    def read_settings(self, locale: str | None) -> Settings:
        if self.settings_data is None:
            return Settings() if locale in (None, "us") else self._unknown_locale(locale, ("us",))
        data, path = self.settings_data
        locales = data.get("locales")
        if not isinstance(locales, LocatedDict) or not locales:
            self.problem("settings need `locales:` with at least one locale", path, data.line)
            return Settings()
        names = tuple(locales)
        chosen = locale or data.get("default_locale") or names[0]
        if chosen not in locales:
            if locale is not None:
                return self._unknown_locale(locale, names)
            self.problem(f"default_locale {chosen!r} is not one of the locales ({', '.join(names)})",
                         path, data.line_of("default_locale"))
            return Settings()
        values = locales[chosen]
        local_messages: Any = {}
        if isinstance(values, LocatedDict) and "messages" in values:
            local_messages = values["messages"]
            values = _without(values, "messages")
        if not isinstance(values, LocatedDict) or not all(isinstance(v, str) for v in values.values()):
            self.problem(f"locale {chosen!r} must map names to texts", path, locales.line_of(chosen))
            return Settings()
        missing = [k for k in DEFAULT_VALUES if k not in values]
        if missing:
            self.problem(f"locale {chosen!r} is missing {', '.join(missing)}", path, locales.line_of(chosen))
        disclaimer = data.get("disclaimer", DEFAULT_DISCLAIMER)
        if not isinstance(disclaimer, str):
            self.problem("`disclaimer` must be text", path, data.line_of("disclaimer"))
            disclaimer = DEFAULT_DISCLAIMER
        messages = {**self.read_messages(data.get("messages", {}), path, data.line_of("messages")),
                    **self.read_messages(local_messages, path, locales.line_of(chosen))}
        settings = Settings(locale=chosen, values=MappingProxyType({**DEFAULT_VALUES, **values}),
                            disclaimer_template=" ".join(disclaimer.split()), locales=names,
                            messages=MappingProxyType({**DEFAULT_MESSAGES, **messages}))
        try:
            settings.disclaimer
        except UnknownPlaceholder as exc:
            self.problem(f"disclaimer uses unknown placeholder {{{exc.args[0]}}}", path,
                         data.line_of("disclaimer"))
            return Settings()
        for name, template in messages.items():
            own = {p: "" for p in MESSAGE_PLACEHOLDERS.get(name, ())}
            try:
                settings.fill(template, extra=own)
            except UnknownPlaceholder as exc:
                self.problem(f"message {name!r} uses unknown placeholder {{{exc.args[0]}}} in locale "
                             f"{chosen!r} (known: {', '.join(sorted([*settings.values, *own]))})",
                             path, data.line_of("messages"))
        return settings

    def read_messages(self, data: Any, path: Path, line: int) -> dict[str, str]:
        """The bot's own sentences (``messages:``), by name."""
        if not data:
            return {}
        if not isinstance(data, LocatedDict):
            self.problem("`messages` must map message names to texts", path, line)
            return {}
        out: dict[str, str] = {}
        for name, text in data.items():
            if name not in DEFAULT_MESSAGES:
                self.problem(f"unknown message {name!r}{_did_you_mean(name, DEFAULT_MESSAGES)} (known: "
                             f"{', '.join(DEFAULT_MESSAGES)})", path, data.line_of(name))
            elif not isinstance(text, str):
                self.problem(f"message {name!r} must be text (quote it)", path, data.line_of(name))
            else:
                out[name] = text.strip()
        return out

    def read_lexicon(self, data: Any, path: Path, line: int) -> None:
        if not isinstance(data, LocatedDict):
            self.problem("`lexicon` must be a mapping with source, concepts and question_types", path, line)
            return
        for key in data:
            if key not in LEXICON_KEYS:
                self.problem(f"unknown lexicon key {key!r}{_did_you_mean(key, LEXICON_KEYS)} (expected "
                             f"{', '.join(LEXICON_KEYS)})", path, data.line_of(key))
        source = data.get("source")
        if not isinstance(source, str) or not source.strip():
            self.problem("a lexicon needs `source:`: where its terms came from, and their licence", path, line)
            source = ""
        concepts: dict[str, Concept] = {}
        raw_concepts = data.get("concepts", LocatedDict())
        if not isinstance(raw_concepts, LocatedDict):
            self.problem("`concepts` must map concept ids to {kind, terms}", path, data.line_of("concepts"))
            raw_concepts = LocatedDict()
        for concept_id, entry in raw_concepts.items():
            where = raw_concepts.line_of(concept_id)
            if not ID_PATTERN.match(concept_id):
                self.problem(f"concept id {concept_id!r} must be lower-case letters, digits and _", path, where)
                continue
            if concept_id in self.lexicon.concepts:
                first = self.lexicon.concepts[concept_id]
                self.problem(f"duplicate concept {concept_id!r} (first defined at {first.path}:{first.line})",
                             path, where)
                continue
            if not isinstance(entry, LocatedDict):
                self.problem(f"concept {concept_id!r} must be a mapping with kind and terms", path, where)
                continue
            for key in entry:
                if key not in ("kind", "terms", "broader", "endings"):
                    self.problem(f"concept {concept_id!r}: unknown field {key!r} (expected kind, terms, broader, "
                                 "endings)", path, entry.line_of(key))
            kind = entry.get("kind")
            if kind not in CONCEPT_KINDS:
                self.problem(f"concept {concept_id!r}: `kind` must be one of {', '.join(CONCEPT_KINDS)} "
                             f"(found {kind!r})", path, entry.line_of("kind"))
                continue
            terms = entry.get("terms", [])
            if not isinstance(terms, list) or not all(isinstance(t, str) and normalise(t) for t in terms):
                self.problem(f"concept {concept_id!r}: `terms` must be a list of texts (quote yes/no/on/off)",
                             path, entry.line_of("terms"))
                continue
            broader = entry.get("broader", [])
            if not isinstance(broader, list) or not all(isinstance(b, str) for b in broader):
                self.problem(f"concept {concept_id!r}: `broader` must be a list of concept ids", path,
                             entry.line_of("broader"))
                broader = []
            endings = entry.get("endings", [])
            if not isinstance(endings, list) or not all(isinstance(e, str) and re.fullmatch(r"[a-z]{3,}", e)
                                                         for e in endings):
                self.problem(f"concept {concept_id!r}: `endings` must be a list of word endings of at least "
                             "3 lower-case letters (e.g. [itis, osis])", path, entry.line_of("endings"))
                endings = []
            concepts[concept_id] = Concept(concept_id, kind, tuple(t.strip() for t in terms), tuple(broader),
                                           str(path), where, tuple(endings))
        types: list[QuestionType] = []
        raw_types = data.get("question_types", LocatedDict())
        if not isinstance(raw_types, LocatedDict):
            self.problem("`question_types` must map type ids to lists of rules", path, data.line_of("question_types"))
            raw_types = LocatedDict()
        known_types = {t.id for t in self.lexicon.question_types}
        for type_id, rules in raw_types.items():
            where = raw_types.line_of(type_id)
            if not ID_PATTERN.match(type_id) or type_id in known_types:
                self.problem(f"question type {type_id!r}: the id must be unique, lower-case letters, digits and _",
                             path, where)
                continue
            exceptions: Any = []
            if isinstance(rules, LocatedDict):
                unknown = [k for k in rules if k not in ("rules", "exceptions")]
                if unknown:
                    self.problem(f"question type {type_id!r}: unknown field {unknown[0]!r} (expected rules, "
                                 "exceptions)", path, rules.line_of(unknown[0]))
                exceptions = rules.get("exceptions", [])
                rules = rules.get("rules")
            if not isinstance(rules, LocatedList) or not rules or not all(isinstance(r, str) and normalise(r)
                                                                          for r in rules):
                self.problem(f"question type {type_id!r} must list its rules (texts in the trigger language)",
                             path, where)
                continue
            if not isinstance(exceptions, list) or not all(isinstance(e, str) and normalise(e) for e in exceptions):
                self.problem(f"question type {type_id!r}: `exceptions` must be a list of texts", path, where)
                exceptions = []
            types.append(QuestionType(type_id, tuple(r.strip() for r in rules), str(path), where,
                                      tuple(rules.item_lines), tuple(e.strip() for e in exceptions)))
        self.lexicon = self.lexicon.merged(Lexicon(MappingProxyType(concepts), tuple(types),
                                                   (f"{path}: {' '.join(source.split())}",) if source else ()))

    def read_personal(self, data: Any, path: Path, line: int) -> None:
        if self.personal.path:
            self.problem(f"`personal` rules are already defined in {self.personal.path}", path, line)
            return
        if not isinstance(data, LocatedDict):
            self.problem(f"`personal` must be a mapping with {', '.join(PERSONAL_KEYS)}", path, line)
            return
        for key in data:
            if key not in PERSONAL_KEYS:
                self.problem(f"unknown personal key {key!r}{_did_you_mean(key, PERSONAL_KEYS)} (expected "
                             f"{', '.join(PERSONAL_KEYS)})", path, data.line_of(key))
        intent = data.get("intent")
        if not isinstance(intent, str) or not ID_PATTERN.match(intent):
            self.problem("`personal` needs `intent:`, the id of the intent that answers personal questions",
                         path, data.line_of("intent"))
            return
        lists, lines = self._text_lists(data, PERSONAL_KEYS[1:], "personal `{key}` must be a list of texts", path)
        self.personal = PersonalRules(
            intent, about=lists["about"], own_case=lists["own_case"], judgement=lists["judgement"],
            question_types=lists["question_types"], exceptions=lists["exceptions"], general=lists["general"],
            feelings=lists["feelings"], feelings_answered_by=lists["feelings_answered_by"], path=str(path),
            lines=lines)

    def read_safety(self, data: Any, path: Path, line: int) -> None:
        if self.safety.path:
            self.problem(f"`safety` rules are already defined in {self.safety.path}", path, line)
            return
        if not isinstance(data, LocatedDict):
            self.problem(f"`safety` must be a mapping with {', '.join(SAFETY_KEYS)}", path, line)
            return
        for key in data:
            if key not in SAFETY_KEYS:
                self.problem(f"unknown safety key {key!r}{_did_you_mean(key, SAFETY_KEYS)} (expected "
                             f"{', '.join(SAFETY_KEYS)})", path, data.line_of(key))
        lists, lines = self._text_lists(
            data, SAFETY_KEYS, "safety `{key}` must be a list of rules (texts in the trigger language)", path)
        self.safety = SafetyRules(lists["asking"], lists["now"], lists["help_coming"], str(path), lines)

    def _text_lists(self, data: LocatedDict, keys: tuple[str, ...], wrong: str, path: Path
                    ) -> tuple[dict[str, tuple[str, ...]], tuple[tuple[str, tuple[int, ...]], ...]]:
        """Each key's list of texts (stripped; empty, with a problem ``wrong`` names, when it is
        not one), and the file line of every item, for rules that report where they are."""
        lists: dict[str, tuple[str, ...]] = {}
        lines: list[tuple[str, tuple[int, ...]]] = []
        for key in keys:
            rules = data.get(key, [])
            if not isinstance(rules, list) or not all(isinstance(r, str) and normalise(r) for r in rules):
                self.problem(wrong.format(key=key), path, data.line_of(key))
                rules = []
            lists[key] = tuple(r.strip() for r in rules)
            lines.append((key, tuple(getattr(rules, "item_lines", ()))))
        return lists, tuple(lines)

    @staticmethod
    def _unknown_locale(locale: str, names: tuple[str, ...]) -> Settings:
        raise BotError(f"unknown locale {locale!r}; this knowledge base has: {', '.join(names)}")

    def finish(self, root: Path, files: tuple[Path, ...], locale: str | None
               ) -> tuple[KnowledgeBase | None, list[IntentFileError]]:
        settings = self.read_settings(locale)
        seen: dict[str, Intent] = {}
        intents: list[Intent] = []
        for intent, path in self.raw_intents:
            if intent.id in seen:
                first = seen[intent.id]
                self.problem(f"duplicate intent id {intent.id!r} (first defined at {first.path}:{first.line})",
                             path, intent.line, intent.id)
                continue
            seen[intent.id] = intent
            try:
                intents.append(replace(
                    intent, answer=settings.fill(intent.answer), first_action=settings.fill(intent.first_action),
                    asking=settings.fill(intent.asking),
                    answer_for=tuple((k, settings.fill(v)) for k, v in intent.answer_for)))
            except UnknownPlaceholder as exc:
                self.problem(f"intent {intent.id!r}: answer uses unknown placeholder {{{exc.args[0]}}} "
                             f"(known: {', '.join(sorted(settings.values))}, disclaimer)",
                             path, intent.line, intent.id)
        for intent in intents:
            for related in intent.related:
                if related not in seen:
                    self.problem(f"intent {intent.id!r}: related id {related!r} does not exist",
                                 Path(intent.path), intent.line, intent.id)
            for covered in intent.covers:
                if covered not in seen:
                    self.problem(f"intent {intent.id!r}: covers id {covered!r} does not exist",
                                 Path(intent.path), intent.line, intent.id)
        if self.personal.intent and self.personal.intent not in seen:
            self.problem(f"personal: intent {self.personal.intent!r} does not exist", Path(self.personal.path))
        types = {t.id for t in self.lexicon.question_types}
        for answered_by in self.personal.feelings_answered_by:
            if answered_by not in seen:
                self.problem(f"personal: feelings_answered_by intent {answered_by!r} does not exist",
                             Path(self.personal.path))
        for concept in self.personal.about:
            if concept not in self.lexicon.concepts:
                self.problem(f"personal: {concept!r} is not a lexicon concept", Path(self.personal.path))
        for question_type in self.personal.question_types:
            if question_type not in types:
                self.problem(f"personal: {question_type!r} is not a lexicon question type", Path(self.personal.path))
        for concept, topic_path, topic_line in self._topic_ids:
            if concept not in self.lexicon.concepts:
                self.problem(f"vocabulary: topic {concept!r} is not a lexicon concept"
                             f"{_did_you_mean(concept, tuple(self.lexicon.concepts))}", topic_path, topic_line)
        for entry in self.lexicon.concepts.values():
            for broader in entry.broader:
                if broader not in self.lexicon.concepts:
                    self.problem(f"concept {entry.id!r}: broader concept {broader!r} does not exist",
                                 Path(entry.path), entry.line)
        if not intents and not self.problems:
            self.problem("the knowledge base has no intents", root)
        kb = KnowledgeBase(root=root, files=files, intents=tuple(intents), vocabulary=self.vocabulary,
                           settings=settings, lexicon=self.lexicon, safety=self.safety, personal=self.personal)
        return kb, self.problems


def _without(data: LocatedDict, key: str) -> LocatedDict:
    out = LocatedDict()
    out.line = data.line
    for k, v in data.items():
        if k != key:
            out[k] = v
            out.key_lines[k] = data.line_of(k)
    return out


def _did_you_mean(name: str, known: Any) -> str:
    close = difflib.get_close_matches(name, list(known), n=1, cutoff=0.7)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _read_date(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            return None
    return None


def _topic_from_filename(path: Path) -> str:
    return path.stem.replace("_", " ").strip().capitalize()


def _kind(value: Any) -> str:
    return {
        bool: "boolean", int: "number", float: "number", str: "text", type(None): "empty value",
        LocatedDict: "mapping", LocatedList: "list", dict: "mapping", list: "list",
        dt.date: "date", dt.datetime: "date",
    }.get(type(value), type(value).__name__)
