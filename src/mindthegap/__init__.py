"""mindthegap: measure and help close the gap between health and social-care policy and practice.

The package is layered (see docs/ARCHITECTURE.md): ``frameworks`` and ``model`` hold the domain,
``analysis`` and ``text`` are pure functions over DataFrames, ``io`` reads and writes files, ``store``
persists studies with Django's ORM, ``report`` renders outputs and ``cli`` is a thin command line.
"""

__version__ = "0.1.0"
