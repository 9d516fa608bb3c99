"""The events programme: events, attendance, event feedback, discussion notes, network ties, headcounts."""
