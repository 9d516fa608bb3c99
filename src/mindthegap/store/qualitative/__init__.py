"""Qualitative sources, codebooks with history, codings and memos (Django app label ``qualitative``)."""
