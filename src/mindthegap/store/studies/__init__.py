"""Django app for the study spine: policies, principles, organisation, participants, waves, access."""
