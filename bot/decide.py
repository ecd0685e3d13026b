"""Turn a Reading into a reply: urgent help, an answer, "did you mean", or an honest "not sure".

In order:

1. Red flags happening now get the emergency reply: each category's first action, most urgent
   first, then the most urgent category's advice. A question about a symptom in general gets that
   category's guidance worded as information instead.
2. A message in another language gets the short "I only understand English" reply.
3. An intent's trigger (personal_advice: one's own results, prognosis, medicine) decides the
   answer, worded for the kind of question, with the matching general answers as options.
4. Otherwise the matches: a confident wrong answer is worse than "I'm not sure, did you mean...",
   so an answer needs a score above the threshold AND a clear lead over the next intent. A long
   message spreads its meaning over many words (a greeting, the story, then the question), so its
   best score runs lower for the same certainty: it may be answered a little below the threshold,
   but only when it uses one of the vocabulary's topic words (cancer, chemo...), its answer leads
   the next one by a clear share of its score, and the second reading is not sure of a different
   answer. The second reading, the word-likelihood model (likelihood.py), may confirm the best
   match: when it agrees with high probability on a question about our subject, the bot answers
   from a lower score and without the usual lead, because two different readings rarely agree on
   the same wrong answer. In a close call it may also choose the runner-up, but only when it is
   near certain of it (``overturn``). What the message is about is such a reading too: when the
   best match is the only one of the leaders whose ``about:`` names the message's treatment,
   test, symptom or life matter (Reading.subject_focus), it is answered from the same lower
   score, unless the second reading is sure of another answer (and from lower still,
   ``claimed_and_confirmed``, when that subject is a treatment and the second reading agrees);
   in a close call (within ``long_lead`` of its score) the one runner-up whose ``about:`` names
   the message's treatment is answered instead of a best match that names none of it. A
   question of a single word ("chemo?") is never answered outright unless it is a whole pattern
   ("hello"), and neither is a message with nothing of our subject that names something the
   best match does not talk about ("ear pain" matched on "is there anything I can do"), nor one that names nothing of ours matched only modestly by an
   answer whose every pattern is about cancer: they are offered as suggestions instead. An
   out-of-scope example declines a look-alike question, but not a message about our subject when
   none of its own examples is ("sex drive gone since our baby arrived" is no reason to decline
   "...since the chemo").
5. A message about our subject that is not answered always gets its best few topics as numbered
   options; a message about something else is declined without them.

Every sentence the bot says of its own comes from the knowledge base's settings (messages).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import replace

from .likelihood import Opinion
from .model import Intent, Match, Reply, ReplyKind, Suggestion
from .policy import Policy
from .reading import Reading
from .settings import Settings


def suggestion(match: Match, intents: Mapping[str, Intent]) -> Suggestion:
    return Suggestion(intent=match.intent, question=intents[match.intent].question,
                      confidence=match.confidence)


def options_text(suggestions: Sequence[Suggestion]) -> str:
    return "\n".join(f"{n}) {s.question}" for n, s in enumerate(suggestions, 1))


def answer(intent: Intent, confidence: float, matches: Sequence[Match] = (), question: str = "",
           notice: str | None = None, reason: str = "", *, question_type: str | None = None) -> Reply:
    """The reply that gives an intent's curated answer (worded for the kind of question)."""
    kind: ReplyKind = "emergency" if intent.type == "red_flag" else "answer"
    return Reply(kind=kind, text=intent.answer_to(question_type), intent=intent.id, confidence=confidence,
                 sources=intent.sources, matches=tuple(matches), notice=notice, question=question,
                 reason=reason, question_type=question_type)


def decide(reading: Reading, intents: Mapping[str, Intent], settings: Settings, policy: Policy, *,
           feelings_answered_by: Collection[str] = ()) -> Reply:
    """Choose the reply for a reading. ``feelings_answered_by``: the intents whose answers already
    speak to how a writer feels (PersonalRules.feelings_answered_by)."""
    r = reading
    alarm = r.alarm
    if alarm.fired:
        reply = _asking_reply(r) if alarm.asking else _emergency_reply(r, settings)
        return replace(reply, focus=r.focus, question_type=r.question_type)
    if r.language != "en":
        return Reply(kind="fallback", text=settings.message("not_english"), question=r.text, notice=r.notice)
    notice = _join(r.notice, settings.message("help_coming")) if alarm.help_coming else r.notice
    personal = intents.get(r.personal or "")
    if r.rule is not None:
        reply = _rule_reply(r, r.rule.intent, r.rule.trigger, r.rule.line, intents, settings, policy, notice)
    elif personal is not None and r.personal_certain:
        reply = _rule_reply(r, personal, "(a question about one's own case)", 0, intents, settings, policy, notice)
    else:
        reply = _choose(r, intents, settings, policy, notice)
        declined = bool(r.matches) and intents[r.matches[0].intent].type == "out_of_scope"
        if personal is not None and reply.kind != "answer" and not declined:
            reply = _rule_reply(r, personal, "(a question about one's own case)", 0, intents, settings, policy, notice)
        elif reply.kind == "answer" and reply.intent is not None and reply.intent == r.personal_intent:
            # Matched by its patterns: it offers the general answers too, as when a rule sends it.
            reply = replace(_rule_reply(r, intents[reply.intent], reply.matches[0].pattern, reply.matches[0].line,
                                        intents, settings, policy, notice), confidence=reply.confidence,
                            matches=reply.matches, reason=reply.reason)
    if reply.kind == "answer":
        reply = _with_more(reply, r, intents, settings)
    if r.feeling and _acknowledges_nothing(reply, intents, feelings_answered_by):
        reply = replace(reply, text=f"{settings.message('feelings')}\n\n{reply.text}")
    return replace(reply, focus=r.focus, question_type=r.question_type)


def _acknowledges_nothing(reply: Reply, intents: Mapping[str, Intent], answered_by: Collection[str]) -> bool:
    """Whether a reply to someone who says how they feel leaves the feeling unanswered: every
    reply but an answer about feelings, or one of the conversation's own (a thank-you)."""
    intent = intents.get(reply.intent or "")
    if intent is None:
        return bool(reply.text)
    return intent.type not in ("conversation", "red_flag") and intent.id not in answered_by


# -- red flags ---------------------------------------------------------------------------------


def _emergency_reply(r: Reading, settings: Settings) -> Reply:
    """Each category's first action, most urgent first, then the most urgent one's advice."""
    fired = r.alarm.fired
    top = fired[0].intent
    actions = list(dict.fromkeys(f.intent.first_action for f in fired if f.intent.first_action))
    lead = settings.message("emergency_several") if len(actions) > 1 else ""
    text = "\n".join(part for part in (lead, *actions) if part)
    text = f"{text}\n\n{top.answer}" if text else top.answer
    matches = tuple(Match(f.intent.id, 1.0, f.trigger, f.intent.path, f.line) for f in fired)
    return Reply(kind="emergency", text=text, intent=top.id, confidence=1.0, sources=top.sources,
                 matches=matches, notice=r.notice, question=r.text,
                 red_flags=tuple(f.intent.id for f in fired))


def _asking_reply(r: Reading) -> Reply:
    """A question about a symptom in general: the category's guidance, as information."""
    fired = r.alarm.fired[0]
    top = fired.intent
    text = top.asking or (f"{top.first_action}\n\n{top.answer}" if top.first_action else top.answer)
    return Reply(kind="answer", text=text, intent=top.id, confidence=1.0, sources=top.sources,
                 matches=(Match(top.id, 1.0, fired.trigger, top.path, fired.line),), notice=r.notice,
                 question=r.text, reason="a question about a red-flag symptom in general, not happening now",
                 red_flags=tuple(f.intent.id for f in r.alarm.fired))


# -- intent triggers ---------------------------------------------------------------------------


def _rule_reply(r: Reading, intent: Intent, trigger: str, line: int, intents: Mapping[str, Intent],
                settings: Settings, policy: Policy, notice: str | None) -> Reply:
    """An intent's trigger (or a personal question) decides; the general answers that match are
    offered as options."""
    fired = Match(intent.id, 1.0, trigger, intent.path, line)
    others = tuple(m for m in r.matches if m.intent != intent.id and intents[m.intent].type == "content")
    options = tuple(suggestion(m, intents) for m in others[: policy.max_suggestions]
                    if m.confidence >= policy.topic_suggestion_floor)
    why = (f"the message sets off a trigger of {intent.id!r}" if r.rule is not None
           else "the message asks about one person's own case")
    reply = answer(intent, 1.0, (fired, *others), r.text, notice, reason=why, question_type=r.question_type)
    if options:
        text = _with_options(reply.text, settings.message("personal_options"), options,
                             settings.message("personal_options_end"))
        reply = replace(reply, text=text, suggestions=options)
    return reply


# -- matches -----------------------------------------------------------------------------------


def _choose(r: Reading, intents: Mapping[str, Intent], settings: Settings, policy: Policy,
            notice: str | None) -> Reply:
    matches = r.matches
    question = r.text
    if not matches:
        return fallback((), settings, question=question, notice=notice)
    floor = _suggestion_floor(r, policy)
    in_scope = tuple(m for m in matches if intents[m.intent].type != "out_of_scope")
    # An example of what is out of scope that is about something else altogether ("sex drive gone
    # since our baby arrived") does not decline a message about our subject ("...since treatment").
    foreign = r.on_topic and r.best_on_topic == 0.0
    if (intents[matches[0].intent].type == "out_of_scope" and matches[0].confidence >= policy.threshold
            and not foreign):
        # The question looks most like one of the curated examples of what this bot is not
        # for ("how to find a trial lawyer"): decline, offering any close in-scope answers.
        options = tuple(suggestion(m, intents) for m in in_scope[: policy.max_suggestions]
                        if m.confidence >= max(floor, policy.suggestion_floor))
        declined = fallback(options, settings, confidence=matches[0].confidence, matches=matches,
                            question=question, notice=notice)
        help_line = settings.message("help_line")
        text = intents[matches[0].intent].answer + (f"\n{help_line}" if help_line else "")
        if options:
            text = _with_options(text, settings.message("fallback_options"), options,
                                 settings.message("fallback_options_end"))
        return replace(declined, text=text)
    # The second reading may confirm only the best match of all: when an out-of-scope example
    # ranks first, even below the threshold, the in-scope runner-up is no close call to settle.
    best_overall = matches[0].intent
    matches = in_scope
    if not matches:
        return fallback((), settings, question=question, notice=notice)
    top = matches[0]
    runner_up = matches[1].confidence if len(matches) > 1 else 0.0
    # One word, or a message with nothing of our subject about something the best match does not
    # talk about ("anything I can do for my ear pain?"), or matched only modestly by an answer
    # that is about cancer through and through: offered, never answered outright.
    too_short = r.single_word and top.confidence < 1.0 and policy.threshold > 0
    off_focus = bool(r.unanswered) and not r.on_topic and top.confidence < 1.0
    off_topic = (not (r.on_topic or r.in_context or r.names_ours) and r.best_on_topic >= policy.topic_bound_share
                 and top.confidence < policy.topic_bound_floor)
    unsure = too_short or off_focus or off_topic
    if not unsure and not r.other_illness:
        if top.confidence >= policy.threshold and (top.confidence - runner_up >= policy.margin
                                                   or top.confidence >= 1.0):
            return answer(intents[top.intent], top.confidence, matches, question, notice,
                          question_type=r.question_type)
        opinion = (r.second_reading() if r.second_reading is not None and top.intent == best_overall
                   and top.confidence >= _confirmed_floor(r.words, r.on_topic, policy) else None)
        if opinion is not None and opinion.intent == top.intent and opinion.probability >= policy.agreement:
            return answer(intents[top.intent], top.confidence, matches, question, notice,
                          f"a close call that the second reading (word likelihood) settles: "
                          f"it is {opinion.probability:.0%} sure of the same answer", question_type=r.question_type)
        if (opinion is not None and len(matches) > 1 and opinion.intent == matches[1].intent
                and top.confidence - runner_up < policy.margin and opinion.probability >= policy.overturn
                and runner_up >= _confirmed_floor(r.words, r.on_topic, policy)):
            second = matches[1]
            return answer(intents[second.intent], second.confidence, (second, top, *matches[2:]), question, notice,
                          f"a close call that the second reading (word likelihood) settles for the runner-up: "
                          f"it is {opinion.probability:.0%} sure of it", question_type=r.question_type)
        # What the message is about is a reading of its own: when only the best match says it
        # answers that subject (``about:``), the subject confirms it as the second reading does;
        # and when the subject is a treatment and the second reading agrees too, from lower still
        # (a clinical message spreads its score over many words the patterns never use).
        claimed = _claims(intents[top.intent], r.subject_focus)
        if (claimed and top.intent == best_overall and r.personal is None and r.on_topic
                and not any(_claims(intents[m.intent], r.subject_focus) for m in matches[1:1 + policy.claim_rivals])
                and not _disputed(r.dispute or r.second_reading, top.intent, policy)):
            if top.confidence >= _confirmed_floor(r.words, r.on_topic, policy):
                return answer(intents[top.intent], top.confidence, matches, question, notice,
                              f"the message is about {', '.join(sorted(claimed))}, which only this answer says "
                              f"it answers", question_type=r.question_type)
            treatment = _claims(intents[top.intent], r.treatments)
            if (treatment and top.confidence >= policy.claimed_and_confirmed
                    and _agrees(r.second_reading, top.intent, policy)):
                return answer(intents[top.intent], top.confidence, matches, question, notice,
                              f"the message names {', '.join(sorted(treatment))}, which only this answer says it "
                              f"answers, and the second reading agrees", question_type=r.question_type)
        # ...and in a close call, the one runner-up whose about: names the treatment the message
        # names wins over a best match about none of it ("lung cancer back, they want radiotherapy
        # again" is radiation_therapy's question, not the lung follow-up answer's).
        rivals = [m for m in matches[1:1 + policy.claim_rivals] if _claims(intents[m.intent], r.treatments)]
        if (not claimed and len(rivals) == 1 and r.personal is None and r.on_topic
                and top.confidence - rivals[0].confidence <= policy.long_lead * top.confidence
                and rivals[0].confidence >= _confirmed_floor(r.words, r.on_topic, policy)
                and not _disputed(r.dispute or r.second_reading, rivals[0].intent, policy)):
            rival = rivals[0]
            return answer(intents[rival.intent], rival.confidence, (rival, *(m for m in matches if m != rival)),
                          question, notice,
                          f"a close call that what the message is about settles for "
                          f"{', '.join(sorted(_claims(intents[rival.intent], r.treatments)))}",
                          question_type=r.question_type)
        if (r.on_topic and r.ask_agrees and top.intent == best_overall
                and _long_and_clear(top.confidence, runner_up, r.words, policy)
                and not _disputed(r.dispute or r.second_reading, top.intent, policy)):
            return answer(intents[top.intent], top.confidence, matches, question, notice,
                          f"a long message about our subject, whose answer leads the next by "
                          f"{(top.confidence - runner_up) / top.confidence:.0%} of its score",
                          question_type=r.question_type)
    if top.confidence >= policy.threshold and not unsure and not r.other_illness:
        close = [m for m in matches if top.confidence - m.confidence < max(policy.margin, 0.1)]
        if all(intents[m.intent].type == "conversation" for m in close):
            # "thanks heaps, bye!": asking whether it was thanks or goodbye helps no one.
            return answer(intents[top.intent], top.confidence, matches, question, notice,
                          "small talk, where either close answer will do", question_type=r.question_type)
        options = tuple(suggestion(m, intents) for m in close[: policy.max_suggestions])
        if len(options) < 2:
            options = tuple(suggestion(m, intents) for m in matches[:2])
        text = _with_options(settings.message("clarify"), "", options, settings.message("clarify_end"))
        return Reply(kind="clarify", text=text, confidence=top.confidence, suggestions=options,
                     matches=matches, notice=notice, question=question)
    options = tuple(suggestion(m, intents) for m in matches[: policy.max_suggestions]
                    if m.confidence > floor and intents[m.intent].type == "content")
    declined = fallback(options, settings, confidence=top.confidence, matches=matches, question=question,
                        notice=notice)
    if too_short or top.confidence < policy.threshold:
        return declined
    if off_focus:
        return replace(declined, reason=f"the question is about {', '.join(r.unanswered)}, which the best "
                                        f"candidate does not talk about")
    if off_topic:
        return replace(declined, reason=f"the best candidate is about cancer in its every question and this "
                                        f"message never names our subject: it would need a score of "
                                        f"{policy.topic_bound_floor:.2f}")
    return declined


def _claims(intent: Intent, subjects: Collection[str]) -> frozenset[str]:
    """The subjects of a message that an intent says it answers (its ``about:``)."""
    return frozenset(intent.about) & frozenset(subjects)


def _suggestion_floor(r: Reading, policy: Policy) -> float:
    """How good a candidate must be to be offered: a message about our subject (a topic word, or
    a cancer, treatment or test of ours by name, such as "hospice") always gets its best few
    topics; a message about another illness gets none."""
    if r.other_illness:
        return float("inf")
    floor = policy.topic_suggestion_floor if r.on_topic or r.names_ours else policy.suggestion_floor
    return min(floor, policy.threshold)


def _confirmed_floor(words: int, on_topic: bool, policy: Policy) -> float:
    """The lowest score a confirmed match may be answered from."""
    if not on_topic:
        return policy.threshold
    return policy.confirmed_long if words >= policy.long_message else policy.confirmed


def _sure_of(second_reading: Callable[[], Opinion | None] | None, policy: Policy) -> str | None:
    """The answer the second reading is sure of (at least ``agreement``), if any."""
    opinion = second_reading() if second_reading is not None else None
    return opinion.intent if opinion is not None and opinion.probability >= policy.agreement else None


def _agrees(second_reading: Callable[[], Opinion | None] | None, intent: str, policy: Policy) -> bool:
    """Whether the second reading is sure of this answer."""
    return _sure_of(second_reading, policy) == intent


def _disputed(second_reading: Callable[[], Opinion | None] | None, intent: str, policy: Policy) -> bool:
    """Whether the second reading is sure of a different answer."""
    sure = _sure_of(second_reading, policy)
    return sure is not None and sure != intent


def _long_and_clear(score: float, runner_up: float, words: int, policy: Policy) -> bool:
    return (words >= policy.long_message and policy.long_discount * policy.threshold <= score
            < policy.threshold and score - runner_up >= policy.long_lead * score)


# -- what an answer offers next ----------------------------------------------------------------


def _with_more(reply: Reply, r: Reading, intents: Mapping[str, Intent], settings: Settings) -> Reply:
    """An answer with its related questions, and a second question of the message offered."""
    intent = intents.get(reply.intent or "")
    related = tuple(Suggestion(i, intents[i].question, 0.0) for i in (intent.related if intent else ())
                    if i in intents)
    reply = replace(reply, related=related)
    also = tuple(suggestion(m, intents) for m in r.also if m.intent != reply.intent
                 and m.intent not in {s.intent for s in reply.suggestions})
    if also and not reply.suggestions:
        text = _with_options(reply.text, settings.message("also_asked"), also, settings.message("also_asked_end"))
        reply = replace(reply, text=text, suggestions=also)
    return reply


def _with_options(text: str, lead: str, options: Sequence[Suggestion], end: str) -> str:
    parts = [text, "\n".join(p for p in (lead, options_text(options), end) if p)]
    return "\n\n".join(p for p in parts if p) if text else "\n".join(p for p in parts[1:] if p)


def _join(first: str | None, second: str) -> str:
    return f"{first} {second}" if first else second


def fallback(options: tuple[Suggestion, ...], settings: Settings, *, confidence: float = 0.0,
             matches: Sequence[Match] = (), question: str = "", notice: str | None = None) -> Reply:
    """The honest "I'm not sure" reply, with suggestions if there are any."""
    help_line = settings.message("help_line")
    if len(options) == 1:
        asked = options[0].question
        lead = settings.message("fallback_one", question=asked)
        mark = "" if lead.rstrip().endswith(("?", "?\"")) else "?"
        text = f"{lead}{mark}\n{settings.message('fallback_one_end')}"
    elif options:
        text = _with_options("", settings.message("fallback_options"), options, settings.message("fallback_options_end"))
    else:
        text = settings.message("fallback")
    if help_line:
        text = f"{text}\n{help_line}"
    return Reply(kind="fallback", text=text, confidence=confidence, suggestions=options,
                 matches=tuple(matches), notice=notice, question=question)
