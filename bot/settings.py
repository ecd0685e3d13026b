"""Deployment settings: help lines per locale, the disclaimer, and the bot's own sentences.

They live in the knowledge base (``settings:`` in a YAML file, shipped as intents/settings.yml)
so a deployment changes country, or subject, in one place. Answers refer to the locale's values
as ``{emergency_number}``; the bot's own sentences (its greeting, "I'm not sure", the notices)
are ``messages`` that may use the same placeholders. A knowledge base without settings gets
neutral defaults that name no subject and no helpline: another clinic's knowledge base gives
another bot.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Mapping

# Used when a knowledge base has no settings of its own. Answers may name these placeholders;
# the default messages below never do, except the emergency number.
DEFAULT_VALUES: Mapping[str, str] = MappingProxyType({
    "emergency_number": "911",
    "crisis_line": "call or text 988, the Suicide & Crisis Lifeline",
    "oncology_line": "your care team's 24-hour phone number",
    "cancer_helpline": "your care team",
})
DEFAULT_DISCLAIMER = ""

DEFAULT_MESSAGES: Mapping[str, str] = MappingProxyType({
    "banner": "Hello. Ask me a question in your own words.",
    "banner_alert": "",
    "start_hint": "/topics shows what I know about, /help the commands.",
    "help_tips": "Ask in your own words.\nWhen I offer numbered questions, type the number to choose one.",
    "help_crisis": "",
    "farewell": "Goodbye.",
    "fallback": "I'm sorry, I don't have a reliable answer to that. Type /topics to see what I know about.",
    "fallback_options": "I'm not sure I understood. Did you mean:",
    "fallback_options_end": "Type a number to choose, or ask in other words.",
    "fallback_one": "I'm not sure I understood. Did you mean: \"{question}\"",
    "fallback_one_end": "Say yes, or ask in other words.",
    "help_line": "",
    "clarify": "I have more than one answer that could fit. Did you mean:",
    "clarify_end": "Type the number of the one you want, or ask in other words.",
    "long_message": "Your message was long, so I read its beginning and its end.",
    "no_options": "There are no numbered options to choose from right now. Please ask your question in words.",
    "choose_number": "Please choose a number from 1 to {count}.",
    "pick_number": "Please type the number of the question you mean.",
    "rephrase": "Sorry I got that wrong. Could you ask it in other words?",
    "subject_notice": "(Taking this as a question about {subject}.)",
    "follow_up_notice": "(Reading this together with your last question.)",
    "personal_options": "These general answers may help:",
    "personal_options_end": "Type a number to read one.",
    "also_asked": "You also asked:",
    "also_asked_end": "Type 1 to read that answer too.",
    "related_end": "Type a number to read one.",
    "help_coming": "I'm glad help is on the way.",
    "feelings": "I'm sorry you're going through this.",
    "not_english": "I only understand English. If this is an emergency, call {emergency_number} now.",
    "emergency_several": "",
})
"""The bot's own sentences, by name. The shipped settings.yml words them for its subject."""

_PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")


class UnknownPlaceholder(KeyError):
    """An answer names a ``{placeholder}`` that the settings do not define."""


@dataclass(frozen=True)
class Settings:
    """The values of one locale, ready to fill into answers and messages.

    >>> Settings().fill("Call {emergency_number} now.")
    'Call 911 now.'
    >>> Settings().message("choose_number", count=3)
    'Please choose a number from 1 to 3.'
    """

    locale: str = "us"
    values: Mapping[str, str] = field(default_factory=lambda: DEFAULT_VALUES)
    disclaimer_template: str = DEFAULT_DISCLAIMER
    locales: tuple[str, ...] = ("us",)
    messages: Mapping[str, str] = field(default_factory=lambda: DEFAULT_MESSAGES)
    """Message templates by name (see DEFAULT_MESSAGES); may use the locale's placeholders."""

    @property
    def disclaimer(self) -> str:
        return self.fill(self.disclaimer_template, allow_disclaimer=False)

    @property
    def emergency_number(self) -> str:
        return self.values["emergency_number"]

    def message(self, name: str, **extra: str | int) -> str:
        """One of the bot's own sentences, with placeholders filled ("" if it is switched off).

        ``extra`` fills message-specific placeholders such as ``{count}`` or ``{question}``.
        """
        template = self.messages.get(name, DEFAULT_MESSAGES.get(name))
        if template is None:
            raise KeyError(f"unknown message {name!r}")
        return self.fill(template, extra={k: str(v) for k, v in extra.items()})

    def fill(self, text: str, *, allow_disclaimer: bool = True, extra: Mapping[str, str] | None = None) -> str:
        """Replace ``{name}`` placeholders; raise UnknownPlaceholder for a name not defined."""

        def value(match: re.Match[str]) -> str:
            name = match.group(1)
            if extra and name in extra:
                return extra[name]
            if name == "disclaimer" and allow_disclaimer:
                return self.disclaimer
            if name not in self.values:
                raise UnknownPlaceholder(name)
            return self.values[name]

        return _PLACEHOLDER.sub(value, text)


MESSAGE_PLACEHOLDERS: Mapping[str, frozenset[str]] = MappingProxyType({
    "choose_number": frozenset({"count"}),
    "fallback_one": frozenset({"question"}),
    "subject_notice": frozenset({"subject"}),
})
"""Placeholders a message may use besides the locale's values, filled by the bot itself."""
