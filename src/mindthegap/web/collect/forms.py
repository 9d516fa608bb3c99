"""One page of a survey as the template draws it, and the page's posted answers read back and checked.

Field names and ids are the item's position (``q3``), never its id or construct, so nothing on the page tells
a respondent which items are scored in reverse or which construct they belong to.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from mindthegap.frameworks.instruments import Instrument, Item
from mindthegap.store.collection.pages import Page, check_choice, choices, question


@dataclass
class Question:
    name: str
    number: int
    text: str
    kind: str
    choices: list[dict] = field(default_factory=list)
    value: str = ""
    error: str = ""
    hint: str = ""
    wide: bool = False  # a long numeric scale, laid out in a row that wraps

    @property
    def first_id(self) -> str:
        """The id an error summary links to: the first radio button, or the text box."""
        return f"{self.name}-0" if self.kind == "rating" else self.name


def field_name(instrument: Instrument, item: Item) -> str:
    return f"q{instrument.items.index(item) + 1}"


def _hint(instrument: Instrument, item: Item, easy_read: bool) -> str:
    scale = instrument.scale_of(item)
    unlabelled = [c for c in range(scale.min, scale.max + 1) if c not in scale.labels]
    if not unlabelled or (easy_read and scale.easy_read):
        return ""
    low, high = scale.labels.get(scale.min), scale.labels.get(scale.max)
    if low and high:
        return _("Choose a number from %(min)s to %(max)s: %(low)s to %(high)s.") % {
            "min": scale.min, "max": scale.max, "low": low, "high": high,
        }  # fmt: skip
    return _("Choose a number from %(min)s to %(max)s.") % {"min": scale.min, "max": scale.max}


def questions(
    instrument: Instrument,
    page: Page,
    answers: Mapping[str, str],
    errors: Mapping[str, str],
    *,
    easy_read: bool,
) -> list[Question]:
    out = []
    for item in page.items:
        name = field_name(instrument, item)
        q = Question(name, instrument.items.index(item) + 1, question(item, easy_read=easy_read), item.type,
                     value=answers.get(item.id, ""), error=errors.get(item.id, ""))  # fmt: skip
        if item.type == "rating":
            scale = instrument.scale_of(item)
            q.hint = _hint(instrument, item, easy_read)
            q.wide = scale.max - scale.min >= 6
            for i, (value, label) in enumerate(choices(instrument, item, easy_read=easy_read)):
                q.choices.append({"value": value, "label": label, "id": f"{name}-{i}",
                                  "checked": value == q.value, "apart": not value.lstrip("-").isdigit()})  # fmt: skip
        out.append(q)
    return out


def read_page(
    instrument: Instrument, page: Page, post: Mapping[str, str], *, require: bool
) -> tuple[dict[str, str | None], dict[str, str]]:
    """The page's answers by item id (None where none was given) and an error by item id.

    An answer the page did not offer (a tampered form) is an error, whatever ``require`` says.
    """
    values: dict[str, str | None] = {}
    errors: dict[str, str] = {}
    for item in page.items:
        raw = post.get(field_name(instrument, item))
        try:
            values[item.id] = check_choice(instrument, item, raw)
        except ValueError as exc:
            values[item.id] = None
            if item.type == "text":
                errors[item.id] = _("Your answer to question %(n)s %(problem)s; shorten it.") % {
                    "n": instrument.items.index(item) + 1, "problem": _(str(exc)),
                }  # fmt: skip
            else:
                errors[item.id] = _("Choose one of the answers to question %(n)s.") % {
                    "n": instrument.items.index(item) + 1
                }
            continue
        if require and item.type == "rating" and values[item.id] is None:
            errors[item.id] = _(
                "Choose an answer to question %(n)s, or one of the ways not to answer it."
            ) % {"n": instrument.items.index(item) + 1}
    return values, errors
