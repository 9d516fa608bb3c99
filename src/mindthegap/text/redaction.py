"""Kept so ``from mindthegap.text.redaction import Redactor`` still works: redaction is :mod:`mindthegap.redaction`.

It moved to the top level, beside ``privacy`` and ``errors``, because ``model`` uses its detectors and ``text``
imports ``model``; in ``text`` it made an import cycle between the two packages. New code imports
``mindthegap.redaction``.
"""

from mindthegap.redaction import *  # noqa: F403
from mindthegap.redaction import __all__  # noqa: F401
