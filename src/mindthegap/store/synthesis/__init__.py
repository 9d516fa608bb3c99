"""Synthesis judgements kept with the study: CFIR 2.0 construct ratings per case (Django app label ``synthesis``)."""
