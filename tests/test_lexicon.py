"""The shipped lexicons (intents/lexicon/): messages name what they are about in lay and clinical
words, ambiguous everyday words do not, and every list says where it came from."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot import Bot
from bot.knowledge import load_knowledge_base
from bot.normalise import words

ROOT = Path(__file__).resolve().parent.parent
LEXICON = ROOT / "intents" / "lexicon"

# The ids the intents refer to: renaming one breaks them.
REQUIRED = {
    "cancer": ["cancer"],
    "site": ["lung_cancer", "breast_cancer", "head_neck_cancer", "nasopharyngeal_cancer", "colorectal_cancer",
             "prostate_cancer", "ovarian_cancer", "melanoma", "lymphoma", "bladder_cancer", "leukemia", "myeloma",
             "pancreatic_cancer", "kidney_cancer", "liver_cancer", "stomach_cancer", "esophageal_cancer",
             "brain_tumor", "sarcoma", "thyroid_cancer", "cervical_cancer", "uterine_cancer", "testicular_cancer",
             "skin_cancer", "bone_cancer", "other_cancer", "secondary_cancer"],
    "treatment": ["cancer_treatment", "chemotherapy", "immunotherapy", "targeted_therapy", "hormone_therapy",
                  "radiation_therapy", "surgery", "adjuvant_therapy", "neoadjuvant_therapy", "stem_cell_transplant",
                  "palliative_care", "clinical_trial", "alternative_medicine", "supplement", "bone_medicine",
                  "pain_medicine"],
    "test": ["ct_scan", "pet_scan", "mri_scan", "bone_scan", "x_ray", "ultrasound", "imaging", "tumor_marker",
             "psa_test", "ctdna_test", "biopsy", "biomarker_test", "genetic_test", "ebv_test", "mammogram",
             "colonoscopy", "cystoscopy", "endoscopy", "blood_test"],
    "symptom": ["pain", "back_pain", "bone_pain", "headache", "fatigue", "neuropathy", "lymphedema", "lump",
                "swollen_lymph_nodes", "trouble_swallowing", "ear_pain", "jaw_stiffness", "hoarseness", "dry_mouth",
                "mouth_sores", "cough", "coughing_blood", "breathlessness", "weight_loss", "appetite_loss", "nausea",
                "diarrhea", "constipation", "hot_flashes", "hair_loss", "skin_changes", "bleeding", "fever",
                "infection", "memory_problems", "sleep_problems", "sexual_problems", "infertility",
                "urinary_problems", "bowel_problems", "joint_pain", "anxiety", "depression", "grief"],
    "topic": ["work", "money", "insurance", "travel", "fertility", "sex", "caregiving", "death",
              "advance_directive", "spirituality", "support_group", "smoking", "alcohol", "exercise", "diet"],
    "person": ["relative", "child", "pet"],
}

# Established abbreviations allowed below three letters.
SHORT_OK = {"ct", "tb"}


@pytest.fixture(scope="module")
def lexicon_bot() -> Bot:
    return Bot.load()


def focus(bot: Bot, message: str) -> tuple[str, ...]:
    return bot.read(message).focus


@pytest.mark.parametrize("message, concept", [
    # Drugs by brand and generic name, lay and clinical.
    ("what are the side effects of arimidex?", "hormone_therapy"),
    ("Letrozole is making my knees ache", "hormone_therapy"),
    ("is zoladex a kind of chemo", "hormone_therapy"),
    ("keytruda gave me a rash", "immunotherapy"),
    ("how long do people stay on tagrisso", "targeted_therapy"),
    ("FOLFOX round 3 tomorrow", "chemotherapy"),
    ("is cbd oil a natural cure", "alternative_medicine"),
    ("xgeva injections for my bones", "bone_medicine"),
    # Symptoms: clinical and everyday words.
    ("I have otalgia", "ear_pain"),
    ("my ear hurts when I swallow", "ear_pain"),
    ("cervical lymphadenopathy on the scan report", "swollen_lymph_nodes"),
    ("I found swollen glands under my jaw", "swollen_lymph_nodes"),
    ("trismus after radiotherapy", "jaw_stiffness"),
    ("odynophagia for two weeks", "trouble_swallowing"),
    ("xerostomia is driving me mad", "dry_mouth"),
    ("im knackered all the time", "fatigue"),
    ("pins and needles in my fingers since chemo", "neuropathy"),
    ("does chemo brain go away", "memory_problems"),
    # Cancers by name, abbreviation and lay word.
    ("nsclc came back", "lung_cancer"),
    ("my hubby's bowel cancer", "colorectal_cancer"),
    ("DLBCL relapse after R-CHOP", "lymphoma"),
    ("the big c is back", "cancer"),
    ("npc recurrence after 5 years", "nasopharyngeal_cancer"),
    ("HNSCC of the tongue", "head_neck_cancer"),
    ("womb cancer treatment", "uterine_cancer"),
    ("it has spread to her liver", "secondary_cancer"),
    ("bone mets from breast cancer", "secondary_cancer"),
    # Tests.
    ("my PET scan is next week", "pet_scan"),
    ("my CA-125 is rising", "tumor_marker"),
    ("what is a Signatera test", "ctdna_test"),
    ("EBV DNA went up", "ebv_test"),
    ("should I have BRCA testing", "genetic_test"),
    ("nasendoscopy every three months", "endoscopy"),
    # Life around cancer.
    ("can I still fly to Spain", "travel"),
    ("will I lose my job", "work"),
    ("can my dog sleep on my bed during chemo", "pet"),
])
def test_a_message_names_its_concept_in_lay_and_clinical_words(lexicon_bot: Bot, message: str, concept: str) -> None:
    assert concept in focus(lexicon_bot, message)


@pytest.mark.parametrize("message, concept", [("haemoptysis this morning", "coughing_blood"),
                                              ("I can't catch my breath", "breathlessness")])
def test_red_flag_words_are_named_too(lexicon_bot: Bot, message: str, concept: str) -> None:
    # The reading of an emergency stops before its focus; the words still name the symptom.
    assert lexicon_bot.ask(message).kind == "emergency"
    assert concept in lexicon_bot.analyzer.analyse(message).concepts


@pytest.mark.parametrize("message", ["my gout is flaring", "can lupus go into remission",
                                     "I have type 2 diabetes", "symptoms of covid", "my underactive thyroid",
                                     "our old cat died last night"])  # a term's "died" is read as typed words are
def test_other_illnesses_are_named_as_conditions(lexicon_bot: Bot, message: str) -> None:
    kinds = {lexicon_bot.analyzer.lexicon.kind(c) for c in focus(lexicon_bot, message)}
    assert kinds == {"condition"}


@pytest.mark.parametrize("message", ["what is blepharitis", "can meningitis come back after treatment",
                                     "what causes cardiomegaly", "is muscular dystrophy inherited",
                                     "hemiplegia after a fall"])
def test_illnesses_no_list_names_are_read_by_the_ending_of_their_name(lexicon_bot: Bot, message: str) -> None:
    assert focus(lexicon_bot, message) == ("other_disease",)


@pytest.mark.parametrize("message, concept", [("mucositis after chemo", "mouth_sores"),
                                              ("peripheral neuropathy in my feet", "neuropathy"),
                                              ("my leukemia came back", "leukemia")])
def test_a_word_the_knowledge_base_uses_is_never_read_by_its_ending(lexicon_bot: Bot, message: str,
                                                                    concept: str) -> None:
    assert concept in focus(lexicon_bot, message)
    assert "other_disease" not in focus(lexicon_bot, message)


@pytest.mark.parametrize("message, not_about", [
    ("will the treatment work", "work"),                   # "work" only in phrases
    ("I met my surgeon today", "secondary_cancer"),        # "mets" shares the stem of "met"
    ("what does metastatic mean", "spirituality"),         # "meaning" is a question word here
    ("is my PET scan clear", "pet"),                       # PET is a scan, not an animal
    ("pain radiating down my arm", "radiation_therapy"),
    ("a tumour near my spinal cord", "lymphedema"),        # not "cording"
    ("I am relatively young", "relative"),
    ("my third cycle of chemo", "exercise"),               # not "cycling"
    ("the pain is going away", "travel"),
    ("it is not cancerous", "cancer"),                     # benign: a condition
    ("secondary bone cancer", "bone_cancer"),              # spread to the bones
    ("thyroid problems after radiotherapy", "thyroid_cancer"),
])
def test_everyday_words_do_not_name_a_concept(lexicon_bot: Bot, message: str, not_about: str) -> None:
    assert not_about not in focus(lexicon_bot, message)


@pytest.mark.parametrize("message", [
    "my wife's myeloma is back",
    "he is on keytruda now",
    "her NSCLC has an EGFR change",
])
def test_naming_a_cancer_or_one_of_its_treatments_is_about_our_subject(lexicon_bot: Bot, message: str) -> None:
    assert lexicon_bot.read(message).on_topic
    assert not lexicon_bot.read("a sore throat and a cold since Monday").on_topic  # body parts are not enough


def test_every_lexicon_file_names_its_source_and_licence() -> None:
    lexicon = load_knowledge_base().lexicon
    files = sorted(LEXICON.glob("*.yml"))
    assert files
    for path in files:
        sources = [s for s in lexicon.sources if s.startswith(f"{path}:")]
        assert sources, f"{path.name} has no source"
        assert any(licence in sources[0] for licence in ("CC0", "public domain")), path.name
    readme = (LEXICON / "README.md").read_text(encoding="utf-8")
    for path in files:
        assert path.name in readme


def test_the_concept_ids_the_intents_use_exist_with_their_kind() -> None:
    lexicon = load_knowledge_base().lexicon
    for kind, ids in REQUIRED.items():
        for concept_id in ids:
            assert lexicon.kind(concept_id) == kind, concept_id
    for concept in lexicon.concepts.values():
        if concept.kind == "site":
            assert "cancer" in lexicon.expand([concept.id]), concept.id
        if concept.kind == "condition":
            assert not concept.broader, concept.id


def test_terms_are_lower_case_long_enough_and_few_enough() -> None:
    lexicon = load_knowledge_base().lexicon
    shipped = [c for c in lexicon.concepts.values() if Path(c.path).parent == LEXICON]
    total = 0
    for concept in shipped:
        for term in concept.terms:
            assert term == term.lower().strip(), term
            found = words(term)
            assert found, term
            assert len(found) > 1 or len(found[0]) >= 3 or found[0] in SHORT_OK, term
        total += len(concept.terms)
    assert total <= 4000  # read at every start


def test_no_cancer_word_is_a_condition() -> None:
    lexicon = load_knowledge_base().lexicon
    cancer_terms = {t for c in lexicon.concepts.values() if c.kind in ("site", "cancer") for t in c.terms}
    condition_terms = {t for c in lexicon.concepts.values() if c.kind == "condition" for t in c.terms}
    assert not cancer_terms & condition_terms
