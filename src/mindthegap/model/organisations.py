"""Organisation-level facts: CQC's rating scale and key questions, the Staff Survey's response options."""

from __future__ import annotations

#: CQC ratings and the scores the published ratings data use for them (higher is better)
RATINGS = {"Inadequate": 0, "Requires improvement": 1, "Good": 2, "Outstanding": 3}
RATING_NAMES = {v: k for k, v in RATINGS.items()}
#: CQC's five key questions, and the overall rating built from them
KEY_QUESTIONS = ("Safe", "Effective", "Caring", "Responsive", "Well-led", "Overall")
#: the Staff Survey's five-point agreement options, strongly disagree … strongly agree
RESPONSES = ("SD", "D", "NAND", "A", "SA")
POSITIVE = ("A", "SA")
