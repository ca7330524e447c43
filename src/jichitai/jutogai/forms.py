"""The staff forms of 住登外者宛名番号管理: what a form can check (dates in 和暦 or 西暦, choices); the facts
themselves are checked by :func:`jichitai.jutogai.facts.checked`, the same as for the APIs and the migration."""

from __future__ import annotations

from django import forms

from jichitai.registry.views.forms import KanaField, WarekiDateField

SEX = [("", "（指定なし）"), ("M", "男"), ("F", "女")]
MATCH = [("partial", "部分一致（前方一致）"), ("exact", "完全一致")]


class FactsForm(forms.Form):
    name = forms.CharField(label="氏名", max_length=200, required=False)
    kana = KanaField(label="フリガナ", max_length=200, required=False)
    birth_date = WarekiDateField(label="生年月日", required=False)
    sex = forms.ChoiceField(label="性別", choices=SEX, required=False)
    address = forms.CharField(label="住所", max_length=300, required=False,
                              help_text="都道府県から（例: 東京都千代田区霞が関1-2-3）")


class SearchForm(FactsForm):
    match = forms.ChoiceField(label="一致方法", choices=MATCH, initial="partial")
    residents = forms.BooleanField(label="住民（転出した人を含む）も検索する", required=False, initial=True)


class RegisterForm(FactsForm):
    postcode = forms.CharField(label="郵便番号", max_length=8, required=False)
    former_atena_number = forms.CharField(
        label="住民であったときの宛名番号", max_length=15, required=False,
        help_text="転出等で住民でなくなった人のみ（除票の宛名番号）")
    distinct_from = forms.MultipleChoiceField(label="別人であることを確認した候補", required=False, choices=[],
                                              widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args: object, candidates: list[str] | None = None, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["distinct_from"].choices = [(n, n) for n in candidates or []]  # type: ignore[attr-defined]


CHANGE_REASONS = [("address", "住所変更"), ("name", "氏名変更"), ("correction", "訂正")]


class ChangeForm(FactsForm):
    reason = forms.ChoiceField(label="異動事由", choices=CHANGE_REASONS)
    changed_on = WarekiDateField(label="異動日")
    postcode = forms.CharField(label="郵便番号", max_length=8, required=False)
    note = forms.CharField(label="備考", max_length=300, required=False)
