"""Owners put a survey on the web from the browser (the same as ``mindthegap collect create``)."""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from mindthegap.errors import MindTheGapError
from mindthegap.model import Level, Role
from mindthegap.store.collection.models import Survey
from mindthegap.store.studies.models import StudyAccess
from mindthegap.web.collect import audit_hook
from mindthegap.web.collect.owner import _survey


class SurveyForm(forms.Form):
    slug = forms.SlugField(label="Survey id", max_length=64, help_text="Short, e.g. nomad-baseline.")
    title = forms.CharField(label="Title respondents see", max_length=200, required=False)
    instrument = forms.ChoiceField(label="Instrument")
    wave = forms.ChoiceField(label="Wave", required=False)
    mode = forms.ChoiceField(label="Links", choices=Survey.Mode.choices)
    consent_text = forms.CharField(label="Consent text", widget=forms.Textarea(attrs={"rows": 8}), max_length=20000,
                                   help_text="What respondents agree to; shown before the first question.")  # fmt: skip
    opens_at = forms.DateTimeField(label="Opens (e.g. 2026-03-01 09:00)", required=False)
    closes_at = forms.DateTimeField(label="Closes (e.g. 2026-03-31 17:00)", required=False)
    open_level = forms.ChoiceField(label="Open link: respondents' level", initial=Level.LOCAL_FRONTLINE.value,
                                   choices=[(lv.value, lv.label) for lv in Level])  # fmt: skip
    open_role = forms.ChoiceField(label="Open link: respondents' role", initial=Role.OTHER.value,
                                  choices=[(r.value, r.label) for r in Role])  # fmt: skip
    open_service = forms.ChoiceField(label="Open link: respondents' service", required=False)

    def __init__(self, record, *args, **kwargs) -> None:
        from mindthegap.frameworks.instruments import available

        super().__init__(*args, **kwargs)
        self.fields["instrument"].choices = [(i, i) for i in available()]
        self.fields["wave"].choices = [("", "none"), *record.waves.values_list("slug", "name")]
        self.fields["open_service"].choices = [("", "none"), *record.services.values_list("slug", "name")]


@login_required
@require_http_methods(["GET", "POST"])
def new_survey(request: HttpRequest, slug: str) -> HttpResponse:
    record, _ = _survey(request, slug, None, StudyAccess.Role.OWNER)
    form = SurveyForm(record, request.POST or None)
    problem = ""
    if request.method == "POST" and form.is_valid():
        from mindthegap.store.collection.setup import create_survey

        data = {k: v for k, v in form.cleaned_data.items() if v not in ("", None)}
        try:
            survey = create_survey(record, **data)
        except MindTheGapError as exc:
            problem = str(exc)
        else:
            audit_hook.record("collect.survey.create", request=request, study=record,
                              detail={"survey": survey.slug, "mode": survey.mode})  # fmt: skip
            return redirect("survey-tracking", slug=record.slug, survey=survey.slug)
    status = 400 if request.method == "POST" else 200
    return render(request, "collect/survey_new.html", {"study": record, "form": form, "problem": problem},
                  status=status)  # fmt: skip
