"""The respondent's side of web collection (consent, one page per section, submit) and the study team's
(response tracking, mailing list, reminders, exports). Models and rules live in :mod:`mindthegap.store.collection`."""
