"""Importers and exporters: survey exports, transcripts, REFI-QDA projects, reports. No Django here."""
