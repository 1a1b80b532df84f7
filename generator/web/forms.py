from __future__ import annotations

from django import forms

from ..messages import web_text
from .models import Case


class NewCaseForm(forms.Form):
    title = forms.CharField(max_length=200)
    source = forms.ModelChoiceField(queryset=Case.objects.none(), required=False)

    def __init__(self, *args, cases=None, lang: str = "id", **kwargs):
        super().__init__(*args, **kwargs)
        if cases is not None:
            self.fields["source"].queryset = cases.filter(workbook_clean=True)
        self.fields["title"].label = web_text("new.title", lang)
        self.fields["title"].widget.attrs["placeholder"] = web_text("new.title_example", lang)
        self.fields["source"].label = web_text("new.source", lang)
        self.fields["source"].empty_label = web_text("new.source_empty", lang)


class FileForm(forms.Form):
    file = forms.FileField()

    def __init__(self, *args, label: str = "", accept: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].label = label
        if accept:
            self.fields["file"].widget.attrs["accept"] = accept
