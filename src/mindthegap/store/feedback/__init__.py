"""Free-text comments and trained auto-coder records (Django app label ``feedback``)."""
