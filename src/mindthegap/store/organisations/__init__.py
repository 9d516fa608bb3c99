"""Organisation data: CQC ratings and Staff Survey distributions per provider (Django app label ``organisations``)."""
