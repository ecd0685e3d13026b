"""Deployment settings: emergency numbers and help lines per locale, and the disclaimer.

They live in the knowledge base (``settings:`` in a YAML file, shipped as intents/settings.yml)
so a deployment changes country in one place. Answers refer to them as ``{emergency_number}``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Mapping

# Used when a knowledge base has no settings of its own; the shipped settings.yml says the same.
DEFAULT_VALUES: Mapping[str, str] = MappingProxyType({
    "emergency_number": "911",
    "crisis_line": "call or text 988, the Suicide & Crisis Lifeline",
    "oncology_line": "your cancer team's 24-hour phone number",
    "cancer_helpline": "the American Cancer Society helpline at 1-800-227-2345",
})
DEFAULT_DISCLAIMER = (
    "General information only, not medical advice. I can't diagnose you. Ask your care team "
    "about your own situation. In an emergency, call {emergency_number}."
)

_PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")


class UnknownPlaceholder(KeyError):
    """An answer names a ``{placeholder}`` that the settings do not define."""


@dataclass(frozen=True)
class Settings:
    """The values of one locale, ready to fill into answers.

    >>> Settings().fill("Call {emergency_number} now.")
    'Call 911 now.'
    """

    locale: str = "us"
    values: Mapping[str, str] = field(default_factory=lambda: DEFAULT_VALUES)
    disclaimer_template: str = DEFAULT_DISCLAIMER
    locales: tuple[str, ...] = ("us",)

    @property
    def disclaimer(self) -> str:
        return self.fill(self.disclaimer_template, allow_disclaimer=False)

    @property
    def emergency_number(self) -> str:
        return self.values["emergency_number"]

    def fill(self, text: str, *, allow_disclaimer: bool = True) -> str:
        """Replace ``{name}`` placeholders; raise UnknownPlaceholder for a name not defined."""

        def value(match: re.Match[str]) -> str:
            name = match.group(1)
            if name == "disclaimer" and allow_disclaimer:
                return self.disclaimer
            if name not in self.values:
                raise UnknownPlaceholder(name)
            return self.values[name]

        return _PLACEHOLDER.sub(value, text)
