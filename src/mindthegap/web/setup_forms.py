"""The forms of a study's setup pages. Each checks only the shape of what was typed; the study's own rules
(ids, lengths, references) are checked by the study-file reader, so the browser and a study file agree."""

from __future__ import annotations

from django import forms

from mindthegap.model.limits import ID_MAX, NAME_MAX, STUDY_FILE_MAX_BYTES

ID_HELP = "Lower-case letters, digits, _ or -, e.g. older_people. An id cannot be changed later."
KINDS = {"service": "services", "discipline": "disciplines", "wave": "waves"}
ROSTER_MAX_BYTES = 20 * 1024 * 1024
ROSTER_SUFFIXES = (".csv", ".xlsx", ".parquet")


class SettingsForm(forms.Form):
    name = forms.CharField(max_length=NAME_MAX)
    description = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))
    min_n = forms.IntegerField(
        min_value=1, label="Suppression threshold",
        help_text="Groups with fewer people than this are hidden in every output (the NHS Staff Survey uses 11).",
    )  # fmt: skip
    redact_free_text = forms.BooleanField(
        required=False, label="Redact free text",
        help_text="Remove names, e-mail addresses, phone numbers and other identifiers from text before storing it.",
    )  # fmt: skip


class ItemForm(forms.Form):
    """Add a service, discipline or wave, or rename one (the same id)."""

    kind = forms.ChoiceField(choices=[(k, k) for k in KINDS], widget=forms.HiddenInput)
    id = forms.CharField(max_length=ID_MAX, label="Id", help_text=ID_HELP)
    name = forms.CharField(max_length=NAME_MAX)
    order = forms.IntegerField(required=False, help_text="Waves only: their order (0 for the first).")


class PrincipleForm(forms.Form):
    policy = forms.ChoiceField(choices=[])
    id = forms.CharField(max_length=ID_MAX, label="Id", help_text=ID_HELP)
    name = forms.CharField(max_length=NAME_MAX)
    description = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, policies: list[tuple[str, str]] = (), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["policy"].choices = list(policies)


class RemoveForm(forms.Form):
    kind = forms.ChoiceField(choices=[(k, k) for k in [*KINDS, "principle"]], widget=forms.HiddenInput)
    id = forms.CharField(max_length=ID_MAX, widget=forms.HiddenInput)


class StudyFileForm(forms.Form):
    file = forms.FileField(label="Study file (YAML)")

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > STUDY_FILE_MAX_BYTES:
            raise forms.ValidationError("This is far larger than a study file; choose the study's YAML file.")
        return upload


class RosterForm(forms.Form):
    file = forms.FileField(label="Participants (CSV, XLSX or Parquet)")
    update = forms.BooleanField(
        required=False, label="Update the consent of people already in the study",
        help_text="Every row then needs consent yes or no; new people are added either way.",
    )  # fmt: skip

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(ROSTER_SUFFIXES):
            raise forms.ValidationError("Choose a .csv, .xlsx or .parquet file.")
        if upload.size > ROSTER_MAX_BYTES:
            raise forms.ValidationError(
                "This file is larger than 20 MB; a roster of pseudonyms is far smaller."
            )
        return upload
