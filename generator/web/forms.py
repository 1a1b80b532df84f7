from __future__ import annotations

from django import forms

from ..messages import web_text
from ..model import STARTER_LAMPIRAN
from ..numbering import roman
from .models import Case

# the lampiran a new decree can start with, one choice per slot (more: rows of its Lampiran sheet)
LAMPIRAN_SLOTS = 4
LAMPIRAN_KINDS = tuple(kind for kind in STARTER_LAMPIRAN if kind != "tanpa")  # an empty slot is "none"


class NewCaseForm(forms.Form):
    """A new decree: its title in the list, and either the case it starts from or the lampiran
    its starter workbook holds (the choices of `keputusan init --lampiran`)."""

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
        kinds = [(kind, web_text(f"new.lampiran.{kind}", lang)) for kind in LAMPIRAN_KINDS]
        for slot in range(LAMPIRAN_SLOTS):
            self.fields[f"lampiran_{slot + 1}"] = forms.ChoiceField(
                choices=[("", web_text("new.lampiran.none", lang)), *kinds],
                required=False,
                initial=STARTER_LAMPIRAN[0] if slot == 0 else "",
                label=web_text("new.lampiran.slot", lang, numeral=roman(slot + 1)),
            )

    def lampiran_fields(self) -> list[forms.BoundField]:
        return [self[f"lampiran_{slot + 1}"] for slot in range(LAMPIRAN_SLOTS)]

    def clean(self):
        data = super().clean()
        names = [f"lampiran_{slot + 1}" for slot in range(LAMPIRAN_SLOTS)]
        if not any(name in self.data for name in names):  # not offered (a copy of a case): init's default
            data["lampiran"] = None
            return data
        # slots left empty between chosen ones close up: Lampiran I, II ... in the order chosen
        data["lampiran"] = tuple(kind for name in names if (kind := data.get(name))) or ("tanpa",)
        return data


class FileForm(forms.Form):
    file = forms.FileField()

    def __init__(self, *args, label: str = "", accept: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].label = label
        if accept:
            self.fields["file"].widget.attrs["accept"] = accept
