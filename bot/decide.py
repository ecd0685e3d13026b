"""Turn ranked matches into a reply: answer, clarify, or fall back honestly.

A confident wrong answer is worse than "I'm not sure, did you mean...", so an answer needs a
score above the threshold AND a clear lead over the next intent. A long message spreads its
meaning over many words (a greeting, the story, then the question), so its best score runs lower
for the same certainty: it may be answered a little below the threshold, but only when it uses
one of the vocabulary's topic words (cancer, chemo...), its answer leads the next one by a
clear share of its score, and the second reading (below) is not sure of a different answer.
A second reading of the question, the word-likelihood model (likelihood.py), may confirm the
best match: when it agrees with high probability on a question about cancer, the bot answers
from a lower score and without the usual lead, because two different readings rarely agree on
the same wrong answer. A question of a single word ("chemo?") is never answered outright unless
it is a whole pattern ("hello"): it is offered as a suggestion instead.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace

from .likelihood import Opinion
from .model import Intent, Match, Reply, Suggestion
from .settings import Settings


@dataclass(frozen=True)
class Policy:
    """When to answer, clarify or fall back."""

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
    suggestion_floor: float = 0.2
    """Fallback suggestions are offered only above this score."""
    max_suggestions: int = 3


def suggestion(match: Match, intents: Mapping[str, Intent]) -> Suggestion:
    return Suggestion(intent=match.intent, question=intents[match.intent].question,
                      confidence=match.confidence)


def options_text(suggestions: Sequence[Suggestion]) -> str:
    return "\n".join(f"{n}) {s.question}" for n, s in enumerate(suggestions, 1))


def answer(intent: Intent, confidence: float, matches: Sequence[Match] = (), question: str = "",
           notice: str | None = None, reason: str = "") -> Reply:
    """The reply that gives an intent's curated answer."""
    kind = "emergency" if intent.type == "red_flag" else "answer"
    return Reply(kind=kind, text=intent.answer, intent=intent.id, confidence=confidence,
                 sources=intent.sources, matches=tuple(matches), notice=notice, question=question,
                 reason=reason)


def decide(
    matches: Sequence[Match],
    intents: Mapping[str, Intent],
    settings: Settings,
    policy: Policy,
    *,
    single_word: bool = False,
    words: int = 0,
    on_topic: bool = False,
    second_reading: Callable[[], Opinion | None] | None = None,
    question: str = "",
    notice: str | None = None,
) -> Reply:
    """Choose the reply for ranked matches (best first); ``words`` is the message's length,
    ``on_topic`` whether it uses a topic word and ``second_reading`` gives the likelihood model's
    choice (they only matter for questions below the threshold or without a clear lead, so the
    second reading is asked for only then)."""
    matches = tuple(matches)
    if not matches:
        return fallback((), settings, question=question, notice=notice)
    floor = min(policy.suggestion_floor, policy.threshold)
    in_scope = tuple(m for m in matches if intents[m.intent].type != "out_of_scope")
    if intents[matches[0].intent].type == "out_of_scope" and matches[0].confidence >= policy.threshold:
        # The question looks most like one of the curated examples of what this bot is not
        # for ("how to find a trial lawyer"): decline, offering any close in-scope answers.
        options = tuple(suggestion(m, intents) for m in in_scope[: policy.max_suggestions]
                        if m.confidence >= floor)
        declined = fallback(options, settings, confidence=matches[0].confidence, matches=matches,
                            question=question, notice=notice)
        return replace(declined, text=intents[matches[0].intent].answer + "\n" + _help_line(settings))
    # The second reading may confirm only the best match of all: when an out-of-scope example
    # ranks first, even below the threshold, the in-scope runner-up is no close call to settle.
    best_overall = matches[0].intent
    matches = in_scope
    if not matches:
        return fallback((), settings, question=question, notice=notice)
    top = matches[0]
    runner_up = matches[1].confidence if len(matches) > 1 else 0.0
    too_short = single_word and top.confidence < 1.0 and policy.threshold > 0
    if not too_short:
        if top.confidence >= policy.threshold and (top.confidence - runner_up >= policy.margin
                                                   or top.confidence >= 1.0):
            return answer(intents[top.intent], top.confidence, matches, question, notice)
        opinion = (second_reading() if second_reading is not None and top.intent == best_overall
                   and top.confidence >= _confirmed_floor(words, on_topic, policy) else None)
        if opinion is not None and opinion.intent == top.intent and opinion.probability >= policy.agreement:
            return answer(intents[top.intent], top.confidence, matches, question, notice,
                          f"a close call that the second reading (word likelihood) settles: "
                          f"it is {opinion.probability:.0%} sure of the same answer")
        if (on_topic and _long_and_clear(top.confidence, runner_up, words, policy)
                and not _disputed(second_reading, top.intent, policy)):
            return answer(intents[top.intent], top.confidence, matches, question, notice,
                          f"a long message about cancer, whose answer leads the next by "
                          f"{(top.confidence - runner_up) / top.confidence:.0%} of its score")
    if top.confidence >= policy.threshold and not too_short:
        close = [m for m in matches if top.confidence - m.confidence < max(policy.margin, 0.1)]
        options = tuple(suggestion(m, intents) for m in close[: policy.max_suggestions])
        if len(options) < 2:
            options = tuple(suggestion(m, intents) for m in matches[:2])
        text = "I have more than one answer that could fit. Did you mean:\n" + options_text(options) + \
            "\nType the number of the one you want, or ask in other words."
        return Reply(kind="clarify", text=text, confidence=top.confidence, suggestions=options,
                     matches=matches, notice=notice, question=question)
    options = tuple(suggestion(m, intents) for m in matches[: policy.max_suggestions] if m.confidence >= floor)
    return fallback(options, settings, confidence=top.confidence, matches=matches, question=question,
                    notice=notice)


def _confirmed_floor(words: int, on_topic: bool, policy: Policy) -> float:
    """The lowest score a confirmed match may be answered from."""
    if not on_topic:
        return policy.threshold
    return policy.confirmed_long if words >= policy.long_message else policy.confirmed


def _disputed(second_reading: Callable[[], Opinion | None] | None, intent: str, policy: Policy) -> bool:
    """Whether the second reading is sure of a different answer."""
    opinion = second_reading() if second_reading is not None else None
    return opinion is not None and opinion.intent != intent and opinion.probability >= policy.agreement


def _long_and_clear(score: float, runner_up: float, words: int, policy: Policy) -> bool:
    return (words >= policy.long_message and policy.long_discount * policy.threshold <= score
            < policy.threshold and score - runner_up >= policy.long_lead * score)


def _help_line(settings: Settings) -> str:
    return (f"For questions about your own care, please ask your care team, or call "
            f"{settings.values['cancer_helpline']}.")


def fallback(options: tuple[Suggestion, ...], settings: Settings, *, confidence: float = 0.0,
             matches: Sequence[Match] = (), question: str = "", notice: str | None = None) -> Reply:
    """The honest "I'm not sure" reply, with suggestions if there are any."""
    help_line = _help_line(settings)
    if len(options) == 1:
        text = f"I'm not sure I understood. Did you mean: \"{options[0].question}\"?\n" \
               "Say yes, or ask in other words.\n" + help_line
    elif options:
        text = "I'm not sure I understood. Did you mean:\n" + options_text(options) + \
            "\nType a number to choose, or ask in other words.\n" + help_line
    else:
        text = ("I'm sorry, I don't have a reliable answer to that. I answer questions about cancer "
                "that may come back or has come back. Type \"help\" to see the topics I know.\n"
                + help_line)
    return Reply(kind="fallback", text=text, confidence=confidence, suggestions=options,
                 matches=tuple(matches), notice=notice, question=question)
