"""Template context shared by every page: the report's stylesheet, inlined so pages work offline."""

from functools import cache
from pathlib import Path

from markupsafe import Markup


@cache
def _css() -> str:
    return (Path(__file__).resolve().parent.parent / "report" / "templates" / "report.css").read_text("utf-8")


def report_css(request):
    return {"report_css": Markup(_css())}
