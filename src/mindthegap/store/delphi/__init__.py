"""Delphi consensus rounds: statements (versioned), panels, rounds and 1–9 ratings."""
