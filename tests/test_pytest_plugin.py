"""Plain ``pytest`` runs a curator's scripted conversations, when the project asks it to.

Each test builds a curator's project in a temporary folder, as a clinic would set one up: its
own knowledge base (parking, opening hours, the phone number, and its own settings), a
conversation file, and a pytest configuration; then runs pytest there (``pytester``).
"""

from __future__ import annotations

import re
from pathlib import Path
from textwrap import dedent

import pytest

pytest_plugins = ["pytester"]
pytestmark = pytest.mark.slow  # each test here runs a pytest session of its own

CLINIC_INTENTS = """\
topic: Visiting the clinic
intents:
  - id: parking
    question: Where can I park?
    patterns:
      - where can i park
      - is there parking at the clinic
      - car park for patients
      - where do i leave my car
      - how much does parking cost
    answer: The patient car park is behind the main building. Parking is free for patients.
  - id: opening_hours
    question: When is the clinic open?
    patterns:
      - when is the clinic open
      - what are your opening hours
      - what time do you close
      - are you open on saturday
      - opening times
    answer: We are open Monday to Friday, 8am to 6pm.
  - id: phone_number
    question: How do I phone the clinic?
    patterns:
      - what is your phone number
      - how do i call the clinic
      - telephone number for the nurses
      - who do i ring to change an appointment
      - can i phone you
    answer: Call the clinic on {clinic_phone}.
"""

CLINIC_SETTINGS = """\
settings:
  default_locale: ie
  locales:
    ie:
      emergency_number: "112"
      crisis_line: "the Samaritans on 116 123"
      oncology_line: "the clinic's 24-hour line"
      cancer_helpline: "your nurse"
      clinic_phone: "01 555 0100"
  messages:
    farewell: Goodbye from the clinic.
"""

VISIT = """\
conversations:
  - name: a first visit
    turns:
      - user: where do I park my car?
        intent: parking
        says: [free]
      - user: and what time do you close
        intent: opening_hours
  - name: ringing the clinic
    turns:
      - user: whats your phone number
        intent: phone_number
        says: ["01 555 0100"]
"""

# The three lines docs/curating.md tells a curator to add to pyproject.toml, as written there.
GUIDE = (Path(__file__).resolve().parent.parent / "docs" / "curating.md").read_text(encoding="utf-8")
SETUP = next(block for block in re.findall(r"```toml\n(.*?)```", GUIDE, flags=re.S) if "faq_conversations" in block)


def test_the_guides_set_up_is_three_lines() -> None:
    assert SETUP.strip().splitlines() == ["[tool.pytest.ini_options]", 'faq_conversations = "conversations/*.yml"',
                                          'faq_intents = "intents"']


@pytest.fixture
def clinic(pytester: pytest.Pytester) -> pytest.Pytester:
    """A curator's project: intents/, conversations/visit.yml and the three lines of set-up."""
    pytester.mkdir("intents")
    pytester.path.joinpath("intents", "clinic.yml").write_text(CLINIC_INTENTS, encoding="utf-8")
    pytester.path.joinpath("intents", "settings.yml").write_text(CLINIC_SETTINGS, encoding="utf-8")
    pytester.mkdir("conversations")
    pytester.path.joinpath("conversations", "visit.yml").write_text(VISIT, encoding="utf-8")
    setup(pytester, SETUP)
    return pytester


def setup(pytester: pytest.Pytester, text: str) -> None:
    """The project's pyproject.toml."""
    pytester.makepyprojecttoml(text)


def test_the_curators_conversations_pass_against_their_own_knowledge_base(clinic: pytest.Pytester) -> None:
    result = clinic.runpytest("-v")

    result.assert_outcomes(passed=2)
    result.stdout.fnmatch_lines([
        "conversations/visit.yml::a first visit PASSED*",
        "conversations/visit.yml::ringing the clinic PASSED*",
    ])


def test_a_wrong_expectation_fails_with_where_what_was_expected_and_what_came(clinic: pytest.Pytester) -> None:
    clinic.path.joinpath("conversations", "visit.yml").write_text(
        VISIT.replace("        intent: opening_hours", "        intent: phone_number"), encoding="utf-8")

    result = clinic.runpytest()

    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines([
        "*conversation: a first visit*",
        "conversations/visit.yml:7: turn 2 of 'a first visit': 'and what time do you close'",
        "  expected: intent phone_number",
        "  got:      answer, opening_hours, confidence *",
        "  - intent is opening_hours, expected phone_number",
    ])


def test_the_settings_of_the_curators_knowledge_base_are_used(clinic: pytest.Pytester) -> None:
    clinic.path.joinpath("conversations", "visit.yml").write_text(
        VISIT.replace('says: ["01 555 0100"]', 'says: ["911"]'), encoding="utf-8")

    result = clinic.runpytest()

    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(['  - the reply does not say "911"', "  reply:    'Call the clinic on 01 555 0100.'"])


def test_an_unknown_intent_id_is_one_line_with_a_suggestion(clinic: pytest.Pytester) -> None:
    clinic.path.joinpath("conversations", "visit.yml").write_text(
        VISIT.replace("intent: parking", "intent: parkign"), encoding="utf-8")

    result = clinic.runpytest()

    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(["conversations/visit.yml:5: unknown intent 'parkign' (did you mean 'parking'?)"])


def test_a_broken_conversation_file_is_one_line_with_its_path_and_line(clinic: pytest.Pytester) -> None:
    clinic.path.joinpath("conversations", "visit.yml").write_text(
        VISIT.replace("        says: [free]", "        sayz: [free]"), encoding="utf-8")

    result = clinic.runpytest()

    assert result.ret != 0
    result.stdout.fnmatch_lines(["conversations/visit.yml:6: unknown turn key 'sayz' (did you mean 'says'?)"])


def test_a_knowledge_base_that_does_not_load_is_one_line_with_its_path_and_line(clinic: pytest.Pytester) -> None:
    clinic.path.joinpath("intents", "clinic.yml").write_text(
        CLINIC_INTENTS.replace("      - opening times", "      - yes"), encoding="utf-8")

    result = clinic.runpytest()

    result.assert_outcomes(failed=2)
    line = CLINIC_INTENTS.splitlines().index("      - opening times") + 1
    result.stdout.fnmatch_lines([f"intents/clinic.yml:{line}: intent 'opening_hours': pattern reads as the boolean true*"])
    result.stdout.no_fnmatch_line("*Traceback*")


def test_without_the_setting_conversation_files_are_left_alone(clinic: pytest.Pytester) -> None:
    setup(clinic, "[tool.pytest.ini_options]\n")
    clinic.makepyfile(test_plain="def test_plain():\n    assert True\n")

    result = clinic.runpytest()

    result.assert_outcomes(passed=1)


def test_a_conversation_file_named_on_the_command_line_is_run(clinic: pytest.Pytester) -> None:
    setup(clinic, "[tool.pytest.ini_options]\n")

    result = clinic.runpytest("conversations/visit.yml", "--faq-intents", "intents")

    result.assert_outcomes(passed=2)


def test_faq_intents_on_the_command_line_overrides_the_setting(clinic: pytest.Pytester) -> None:
    setup(clinic, '[tool.pytest.ini_options]\nfaq_conversations = "conversations/*.yml"\n')

    with_option = clinic.runpytest("--faq-intents", "intents")
    shipped = clinic.runpytest()

    with_option.assert_outcomes(passed=2)
    # Without it, the shipped knowledge base: it has no parking answer.
    shipped.assert_outcomes(failed=2)
    shipped.stdout.fnmatch_lines(["conversations/visit.yml:5: unknown intent 'parking'*"])


def test_the_glob_may_reach_into_folders_and_leaves_other_yaml_alone(clinic: pytest.Pytester) -> None:
    setup(clinic, '[tool.pytest.ini_options]\nfaq_conversations = ["conversations/**/*.yml"]\n'
                  'faq_intents = "intents"\n')
    clinic.mkdir("conversations/phone")
    clinic.path.joinpath("conversations", "phone", "calls.yml").write_text(dedent("""\
        conversations:
          - name: calling
            turns: [{user: can I ring the nurses, intent: phone_number}]
        """), encoding="utf-8")
    clinic.path.joinpath("notes.yml").write_text("owner: the nurse team\n", encoding="utf-8")

    result = clinic.runpytest("-v")

    result.assert_outcomes(passed=3)
    result.stdout.fnmatch_lines(["conversations/phone/calls.yml::calling PASSED*"])
