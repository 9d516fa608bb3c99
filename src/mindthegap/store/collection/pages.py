"""An instrument as the pages a respondent goes through, and what a page's answers mean.

Pure Python (no Django): one page per section — a part of the instrument (NoMAD's Part A), else a construct,
else, for the values–practice instrument, a principle — split so no page holds more than
:data:`MAX_ITEMS` questions. A respondent's choice is kept as text: a code on the scale (``"4"``), one of the
scale's "not relevant" answers (``"m0"``, ``"m1"``…), ``"na"`` (prefer not to say, offered where the scale
has no such answers) or, for a free-text item, the text itself.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from mindthegap.frameworks.instruments import Instrument, Item

MAX_ITEMS = 8
TEXT_MAX = 2000
DECLINED = "na"


@dataclass(frozen=True)
class Page:
    number: int  # 1-based
    title: str
    items: tuple[Item, ...]


def _section(instrument: Instrument, item: Item) -> tuple[str, str]:
    if instrument.id == "values_practice":
        principle = item.id.rsplit("_", 1)[0]
        return principle, item.label.split(":", 1)[0]
    if item.part:
        return f"part:{item.part}", f"Part {item.part}"
    if item.construct:
        return f"construct:{item.construct}", instrument.constructs.get(item.construct, item.construct)
    if item.type == "text":
        return "text", "Your comments"
    return "other", "Other questions"


def pages(instrument: Instrument) -> list[Page]:
    """The instrument's items in file order, one page per section (long sections split)."""
    groups: list[tuple[str, str, list[Item]]] = []
    for item in instrument.items:
        key, title = _section(instrument, item)
        if groups and groups[-1][0] == key and len(groups[-1][2]) < MAX_ITEMS:
            groups[-1][2].append(item)
        else:
            groups.append((key, title, [item]))
    return [Page(n, title, tuple(items)) for n, (_, title, items) in enumerate(groups, start=1)]


def choices(instrument: Instrument, item: Item, *, easy_read: bool = False) -> list[tuple[str, str]]:
    """(value, label) for each answer a rating item offers, the scale first, then the ways not to answer.

    Unlabelled points of a long scale show their number; the end labels say what the numbers mean.
    """
    scale = instrument.scale_of(item)
    out = []
    for code in range(scale.min, scale.max + 1):
        label = (scale.easy_read.get(code) if easy_read else None) or scale.labels.get(code) or str(code)
        symbol = scale.symbols.get(code) if easy_read else None
        out.append((str(code), f"{symbol} {label}" if symbol else label))
    out += [(f"m{i}", text) for i, text in enumerate(scale.missing)]
    if not scale.missing:
        out.append((DECLINED, "Prefer not to say"))
    return out


def question(item: Item, *, easy_read: bool = False) -> str:
    """The words a respondent reads: easy read when chosen and written, else the full wording, else the label."""
    if easy_read and item.easy_read:
        return item.easy_read
    return item.wording or item.label


def stored_value(instrument: Instrument, item: Item, choice: str) -> tuple[float | None, str]:
    """The (code, text) a choice is stored as: a code on the scale, or no code for a way of not answering
    (which every analysis counts as missing, never as a score); free text goes in ``text``."""
    if item.type == "text":
        return None, choice
    if choice.lstrip("-").isdigit():
        return float(int(choice)), ""
    return None, ""


def check_choice(instrument: Instrument, item: Item, raw: str | None) -> str | None:
    """``raw`` if it is an answer the item offers (None for no answer); ValueError if it is not."""
    if raw is None or raw == "":
        return None
    if item.type == "text":
        text = str(raw).replace("\r\n", "\n").strip()
        if len(text) > TEXT_MAX:
            raise ValueError(f"is longer than {TEXT_MAX} characters")
        return text or None
    if raw not in {value for value, _ in choices(instrument, item)}:
        raise ValueError("is not one of the answers offered")
    return raw


def missing_items(instrument: Instrument, answers: Mapping[str, str], page: Page) -> list[Item]:
    """Rating items on ``page`` without an answer (free text may always be left empty)."""
    return [it for it in page.items if it.type == "rating" and not answers.get(it.id)]
