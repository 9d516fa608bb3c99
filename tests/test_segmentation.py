"""Segmentation keeps offsets that index the original text exactly (closed form: text[start:end])."""

from __future__ import annotations

import pytest

from mindthegap.text.segmentation import paragraphs, segment, sentences, speaker_turns

TEXT = (
    "Interviewer: How has the new care plan worked?\n"
    "Nurse (ward): Dr. Shah explained it well. We use it daily now! Families notice 🙂 the difference.\n"
    "\n"
    "Carer: Honestly? It took months… But it is better.\n"
)


def _check(segments):
    for seg in segments:
        assert TEXT[seg.start : seg.end] == seg.text
        assert seg.text == seg.text.strip()


def test_speaker_turns_name_speakers_and_skip_labels():
    turns = speaker_turns(TEXT, "s1")
    _check(turns)
    assert [t.speaker for t in turns] == ["Interviewer", "Nurse (ward)", "Carer"]
    assert turns[1].text.startswith("Dr. Shah")


def test_paragraphs_split_on_blank_lines():
    paras = paragraphs(TEXT)
    _check(paras)
    assert len(paras) == 2
    assert paras[1].text.startswith("Carer:")


def test_sentences_respect_abbreviations_and_astral_characters():
    sents = sentences(TEXT)
    _check(sents)
    texts = [s.text for s in sents]
    assert "Nurse (ward): Dr. Shah explained it well." in texts
    assert "Families notice 🙂 the difference." in texts
    assert "Carer: Honestly?" in texts
    assert "But it is better." in texts
    # offsets are code points: the emoji is one character
    emoji = TEXT.index("🙂")
    assert TEXT[emoji] == "🙂"


def test_offsets_are_stable_under_crlf_free_text_and_unknown_mode():
    assert segment("One. Two.", "sentence")[1].start == 5
    assert speaker_turns("no labels here")[0].speaker is None
    with pytest.raises(ValueError, match="unknown segmentation"):
        segment("x", "page")
