"""Statistics as pure functions: DataFrames in, tidy DataFrames out. No Django, no file I/O.

Every function that reports on groups of people takes ``min_n`` (default 11) and suppresses groups below it
through :mod:`mindthegap.analysis.suppression`, so privacy holds even for a notebook user.
"""
