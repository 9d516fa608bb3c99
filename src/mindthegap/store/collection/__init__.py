"""Collecting survey answers on the web: surveys, invitations and respondents' sessions (app label ``collection``).

Submitted answers are written to the survey answer tables of :mod:`mindthegap.store.surveys` (and, for the
values–practice instrument, to the study's values–practice ratings), so every analysis and the report read
them exactly as they read imported answers.
"""
