"""Survey instruments used by a study and its coded responses (Django app label ``surveys``)."""
