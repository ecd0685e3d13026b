"""Every number that shapes how a message is read and answered, named and explained, in one place.

``Policy`` is what a curator's ``threshold`` changes and what the benchmarks sweep; ``/why``
prints from it. The matcher's weights are its ``tuning`` (matcher.Tuning), since they shape the
index that is built once per knowledge base.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Policy:
    """When to answer, clarify or fall back, and how much of a message to read.

    >>> Policy().threshold
    0.32
    """

    threshold: float = 0.32
    """Below this the bot does not answer."""
    margin: float = 0.02
    """An answer must lead the next intent by at least this much; otherwise it clarifies."""
    long_message: int = 12
    """Messages of at least this many words are judged as long."""
    long_discount: float = 0.75
    """A long message may be answered from this share of the threshold..."""
    long_lead: float = 0.15
    """...when its answer leads the next intent by at least this share of its score."""
    agreement: float = 0.9
    """The second reading (likelihood.py) confirms the best match when it gives it at least this probability..."""
    confirmed: float = 0.28
    """...and then a question with a topic word may be answered from this score, with no margin,"""
    confirmed_long: float = 0.2
    """...and a long one from this score."""
    claim_rivals: int = 2
    """An answer whose ``about:`` names what the message is about is confirmed by it (like the
    second reading, from ``confirmed`` or ``confirmed_long``) only when none of this many
    runners-up names it too..."""
    claimed_and_confirmed: float = 0.15
    """...and from this score when the subject is a treatment and the second reading agrees too."""
    overturn: float = 0.99
    """In a close call (within ``margin``), the second reading may choose the runner-up instead,
    from the same scores, only when it gives it at least this probability."""
    topic_bound_share: float = 0.9
    """An answer whose patterns (at least this share of them) all use a topic word (cancer,
    chemo...) is about our subject through and through..."""
    topic_bound_floor: float = 0.45
    """...and a message that uses none is answered from it only from this score: "can I take
    zinc and zinc citrate together?" is not the answer on supplements after cancer."""
    suggestion_floor: float = 0.2
    """Fallback suggestions are offered only above this score..."""
    topic_suggestion_floor: float = 0.0
    """...or above this one for a message about our subject (it uses a topic word), which always
    gets its best few topics as numbered options when it is not answered."""
    max_suggestions: int = 3
    ranked: int = 5
    """How many candidates a reading keeps (for suggestions, /why and the second reading)."""

    max_question_chars: int = 2000
    """Longer messages are read as their beginning and their end (and the reply says so)..."""
    tail_chars: int = 1200
    """...of which this many characters are the end, where a story's question usually is."""
    safety_scan_chars: int = 20_000
    """Red flags are looked for this far into a long paste (and in its end)."""
    short_question_words: int = 5
    """A question sentence shorter than this is read together with the sentence before it."""
    story_weak: float = 0.25
    """A whole message matching nothing better than this is a story that may drown its question..."""
    ask_floor: float = 0.24
    """...and then its question sentence decides if it matches at least this well..."""
    ask_lead: float = 2.0
    """...and at least this many times better than the whole message."""
    max_also: int = 1
    """How many further questions of one message are offered as "You also asked"."""

    language_min_markers: int = 2
    """A message is read as another language when it has at least this many of its marker words..."""
    language_marker_share: float = 0.3
    """...making up this share of its words;"""
    language_share: float = 0.4
    """or as "other" when less than this share of its longer words are English or the knowledge
    base's own."""

    follow_up_max_words: int = 7
    """In a conversation, a message this short may be a follow-up that keeps the last subject."""
    subject_race: float = 0.1
    """How far behind the best answer one about the conversation's subject may be and still win
    (the subject breaks ties; it never overrides a clearly better match)."""
    subject_turns: int = 1
    """A subject fades after this many turns about something else."""
