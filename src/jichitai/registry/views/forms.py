"""One form per kind of 異動 (4.1 届出, 4.2 職権, 4.3–4.6). Each form knows how to build its domain command.

The forms check what a form can check (required items, date syntax in 和暦 or 西暦, the 住所辞書 choice); the
standard's rules are the domain's (``decide``), shown to the clerk at the confirmation step.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django import forms

from jichitai.common.errors import JichitaiError
from jichitai.common.text import hiragana_to_katakana, nfkc
from jichitai.common.wareki import parse_wareki
from jichitai.registry.domain import commands as C
from jichitai.registry.domain.person import CORRECTABLE, DATE_FIELDS, FOREIGN, HEAD, JAPANESE, RELATIONSHIPS
from jichitai.registry.domain.unknown_dates import birth_date_of
from jichitai.registry.models import PersonRecord, Town

SEX = [("", "（選択してください）"), ("M", "男"), ("F", "女")]  # no default: a clerk chooses (issue 22)
# 続柄 in the order a clerk looks for them (j110's list first, the rest of what the domain accepts after it)
_USUAL = ("世帯主", "妻", "夫", "子", "父", "母", "孫", "祖父", "祖母", "兄", "姉", "弟", "妹", "子の妻", "子の夫",
          "妻の父", "妻の母", "夫の父", "夫の母", "妻の子", "夫の子", "養子", "養父", "養母", "妻（未届）", "夫（未届）")
RELATIONSHIP_CHOICES = [(r, r) for r in _USUAL if r in RELATIONSHIPS] + sorted(
    (r, r) for r in RELATIONSHIPS if r not in _USUAL)
MINOR_AGE = 18  # 民法第4条: 年齢18歳をもって成年
KINDS_OF_RESIDENT = [(JAPANESE, "日本人住民"), (FOREIGN, "外国人住民")]


class WarekiDateField(forms.DateField):
    """A date typed as 和暦 (令和8年11月1日, R8.11.1) or 西暦 (2026-11-01, 2026/11/1)."""

    widget = forms.TextInput(attrs={"placeholder": "令和8年11月1日・H2.4.7・2026-11-01・19900407", "inputmode": "text"})

    def to_python(self, value: Any) -> dt.date | None:
        if value in self.empty_values:
            return None
        if isinstance(value, dt.date):
            return value
        text = nfkc(str(value)).strip().upper()  # full-width digits, ｈ２．４．７ as H2.4.7
        try:
            return parse_wareki(text)
        except ValueError:
            pass
        try:
            if len(text) == 8 and text.isdigit():  # 19900407, as clerks type a date without separators
                return dt.date(int(text[:4]), int(text[4:6]), int(text[6:]))
            y, m, d = (int(x) for x in text.replace("/", "-").replace(".", "-").split("-"))
            return dt.date(y, m, d)
        except ValueError:
            raise forms.ValidationError("日付が読めません。和暦（令和8年11月1日、H2.4.7）または西暦（2026-11-01、"
                                        "20261101）で入力してください。", code="invalid") from None


class RecordedDateField(WarekiDateField):
    """A date as :class:`WarekiDateField` reads it, or else the words of a 不詳日 or 暦上日以外 (j80: 「昭和20年頃」
    「令和5年2月29日」), kept as typed for the form's ``clean`` to read with its person's calendar (和暦 for a 日本人住民,
    西暦 for a 外国人住民)."""

    widget = forms.TextInput(attrs={"placeholder": "昭和55年1月7日・S55.1.7・1980-01-07・不詳日は「昭和20年頃」など",
                                    "inputmode": "text"})

    def to_python(self, value: Any) -> dt.date | str | None:  # type: ignore[override]
        try:
            return super().to_python(value)
        except forms.ValidationError:
            return nfkc(str(value)).strip()


class KanaField(forms.CharField):
    """A reading (フリガナ): typed in hiragana or in half-width katakana (ｶﾀｶﾅ, not a character of the 文字要件) it is
    taken as full-width katakana (the register holds katakana, 1.1.18), rather than refused; anything else that is
    not katakana is still refused by the domain with its reason."""

    def to_python(self, value: Any) -> str:
        return hiragana_to_katakana(nfkc(super().to_python(value) or ""))


class TownPicker(forms.Widget):
    """町字 picker (住所辞書, j250): a search box (町字名, よみ in かな, 郵便番号) that asks the small JSON endpoint
    ``registry:towns`` and fills the select with the towns found, in 町字 order; no 900-option drop-down."""

    template_name = "registry/widgets/town_picker.html"

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        from django.urls import reverse

        context = super().get_context(name, value, attrs)
        town = Town.objects.filter(code=value).first() if value else None
        context["widget"]["town"] = town
        context["widget"]["url"] = reverse("registry:towns")
        return context


class TownField(forms.CharField):
    """A 町字コード of the 住所辞書, chosen with :class:`TownPicker`."""

    widget = TownPicker

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("error_messages", {"required": "町字を検索して選択してください。"})
        super().__init__(max_length=12, **kwargs)

    def validate(self, value: Any) -> None:
        super().validate(value)
        if value and not Town.objects.filter(code=value).exists():
            raise forms.ValidationError("住所辞書にない町字です。町字を検索して選択し直してください。", code="invalid_town")


def town_label(town: Town) -> str:
    return f"{town.ward_name} {town.name}" + (f"（〒{town.postcode[:3]}-{town.postcode[3:]}）" if town.postcode else "")


WITHOUT_HEAD_LABEL = ("世帯主を定めない（残る世帯員が2人以上で、新しい世帯主が決まっていない場合。世帯主未設定となり、"
                      "世帯主変更依頼通知書を送付します）")


class ChangeForm(forms.Form):
    """Items every 異動 carries: 異動日, 届出日, 留意事項."""

    moved_on = WarekiDateField(label="異動日")
    notified_on = WarekiDateField(label="届出日", required=False)
    note = forms.CharField(label="留意事項・備考", required=False, widget=forms.Textarea(attrs={"rows": 2}))

    # the household the form was opened from is the one the change is about (出生, 世帯主変更, 世帯合併 …);
    # a 転居's or 転入's 世帯番号 field names another household, so it starts empty (issue 22)
    prefills_setai = True
    moves_everyone = False       # 転居・転出: the whole household is ticked to start with (the usual 届出)
    edits_relationships = False  # shows the 続柄 editor: one select per member of the household (j730)

    def __init__(self, *args: Any, household: list[Any] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.household = household or []
        people = [(p.atena_number, f"{p.name}（{p.relationship}）") for p in self.household]
        for name, field in self.fields.items():
            if not isinstance(field, forms.ChoiceField):
                continue
            if name == "atena_numbers":
                field.choices = people
                if self.moves_everyone:
                    field.initial = [a for a, _ in people]
            elif name in ("new_head", "remaining_head", "atena_number"):
                field.choices = [("", "（なし）"), *people]
        if self.edits_relationships:
            for p in self.household:
                self.fields[f"rel_{p.atena_number}"] = forms.ChoiceField(
                    label=f"{p.name}の新しい続柄", required=False,
                    widget=forms.Select(attrs={"aria-label": f"{p.name}の新しい続柄"}),
                    choices=[("", f"変更しない（{p.relationship}）"), *RELATIONSHIP_CHOICES])

    def head_choice(self) -> dict[str, Any]:
        """Who heads the household its 世帯主 leaves: a named member, or none for now (j500 職権で世帯主を定めない)."""
        d = self.cleaned_data
        return {"remaining_head": d.get("remaining_head", ""), "without_head": d.get("without_head", False)}

    def main_fields(self) -> list[Any]:
        return [f for f in self if not f.name.startswith("rel_")]

    def relationship_rows(self) -> list[tuple[Any, Any]]:
        """(member, bound select) for the 続柄 editor."""
        return [(p, self[f"rel_{p.atena_number}"]) for p in self.household if f"rel_{p.atena_number}" in self.fields]

    def common(self) -> dict[str, Any]:
        d = self.cleaned_data
        return {"moved_on": d["moved_on"], "notified_on": d.get("notified_on"), "note": d.get("note", "")}

    def rels(self) -> dict[str, str]:
        """The 続柄 chosen in the editor, for the members whose select was changed (j730)."""
        return {name[4:]: value for name, value in self.cleaned_data.items() if name.startswith("rel_") and value}


class PersonFields(forms.Form):
    """One person entering the registry (転入, 出生, 職権記載)."""

    name = forms.CharField(label="氏名", max_length=200)
    kana = KanaField(label="氏名フリガナ（カタカナ）", max_length=200, required=False)
    birth_date = RecordedDateField(label="生年月日")
    birth_date_internal = WarekiDateField(
        label="内部で使う生年月日（不詳日のとき・任意）", required=False,
        help_text="年月日不詳のときは必須。空欄のときは不詳日の期間の初日（令和5年頃なら令和5年1月1日）")
    sex = forms.ChoiceField(label="性別", choices=SEX)
    relationship = forms.ChoiceField(label="続柄", required=False,
                                     choices=[("", "（選択してください）"), *RELATIONSHIP_CHOICES],
                                     help_text="18歳未満の方は、空欄のとき「子」とします")
    resident_kind = forms.ChoiceField(label="住民種別", choices=KINDS_OF_RESIDENT, initial=JAPANESE)
    my_number = forms.CharField(label="個人番号", max_length=12, required=False)
    honseki = forms.CharField(label="本籍", max_length=200, required=False)
    hittosha = forms.CharField(label="筆頭者", max_length=100, required=False)
    nationality = forms.CharField(label="国籍・地域（外国人住民）", max_length=100, required=False)
    residence_status = forms.CharField(label="在留資格", max_length=100, required=False)
    residence_period = forms.CharField(label="在留期間", max_length=50, required=False)
    residence_until = WarekiDateField(label="在留期間の満了の日", required=False)
    residence_card_number = forms.CharField(label="在留カード等番号", max_length=12, required=False)

    def clean(self) -> dict[str, Any]:
        """続柄 left empty follows the age: a minor (民法第4条) is taken as 子, shown on the confirmation page;
        an adult's 続柄 must be chosen."""
        d = super().clean() or {}
        typed = d.get("birth_date")
        d["birth_date_text"] = ""
        if isinstance(typed, str):  # a 不詳日 or 暦上日以外 (j80), read as the API and 修正 read it
            try:
                d["birth_date"], d["birth_date_text"] = birth_date_of(
                    d.get("resident_kind") or JAPANESE, d.get("birth_date_internal"), typed)
            except JichitaiError as exc:  # the field names the item already: its reason without the label
                self.add_error("birth_date", exc.fields.get("reason", exc.message))
                d.pop("birth_date", None)
        born = d.get("birth_date")
        if not d.get("relationship") and born is not None:
            if _age(born, dt.date.today()) < MINOR_AGE:
                d["relationship"] = "子"
            else:
                self.add_error("relationship", "続柄を選択してください。")
        elif not d.get("relationship") and "birth_date" not in self.errors:
            self.add_error("relationship", "続柄を選択してください。")
        return d

    def person(self) -> C.NewPerson:
        d = self.cleaned_data
        return C.NewPerson(
            name=d["name"], kana=d.get("kana", ""), birth_date=d["birth_date"],
            birth_date_text=d.get("birth_date_text", ""), sex=d["sex"],
            relationship=d["relationship"], resident_kind=d["resident_kind"], my_number=d.get("my_number", ""),
            honseki=d.get("honseki", ""), hittosha=d.get("hittosha", ""), nationality=d.get("nationality", ""),
            residence_status=d.get("residence_status", ""), residence_period=d.get("residence_period", ""),
            residence_until=d.get("residence_until"), residence_card_number=d.get("residence_card_number", ""),
        )


def _age(born: dt.date, on: dt.date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


PERSON_SLOTS = 4


class MoveInForm(ChangeForm):
    prefills_setai = False
    from_abroad = forms.BooleanField(label="国外からの転入", required=False)
    previous_address = forms.CharField(label="転入前住所（国外は国名等）", max_length=300)
    previous_municipality_code = forms.CharField(label="転入前住所の市区町村コード（国内転入）", max_length=6,
                                                 required=False)
    town_code = TownField(label="住所（町字）")
    banchi = forms.CharField(label="番地", max_length=100)
    katagaki = forms.CharField(label="方書", max_length=200, required=False)
    setai_number = forms.CharField(label="既存の世帯に入る場合の世帯番号", max_length=15, required=False)

    def command(self, persons: list[C.NewPerson]) -> C.Command:
        d = self.cleaned_data
        return C.RecordMoveIn(**self.common(), persons=tuple(persons), town_code=d["town_code"], banchi=d["banchi"],
                              katagaki=d.get("katagaki", ""), previous_address=d["previous_address"],
                              previous_municipality_code=d.get("previous_municipality_code", ""),
                              from_abroad=d.get("from_abroad", False), setai_number=d.get("setai_number", ""))


class ExOfficioEntryForm(MoveInForm):
    variant = forms.ChoiceField(label="職権記載の区分", choices=[("", "職権記載"), ("naturalisation", "帰化等"),
                                                             ("nationality_loss", "国籍喪失")], required=False)
    previous_address = forms.CharField(label="従前の住所", max_length=300, required=False)

    def command(self, persons: list[C.NewPerson]) -> C.Command:
        d = self.cleaned_data
        return C.RecordExOfficioEntry(**self.common(), persons=tuple(persons), variant=d.get("variant", ""),
                                      town_code=d["town_code"], banchi=d["banchi"], katagaki=d.get("katagaki", ""),
                                      previous_address=d.get("previous_address", ""),
                                      previous_municipality_code=d.get("previous_municipality_code", ""),
                                      setai_number=d.get("setai_number", ""))


class BirthForm(ChangeForm):
    setai_number = forms.CharField(label="世帯番号", max_length=15)

    def command(self, persons: list[C.NewPerson]) -> C.Command:
        return C.RecordBirth(**self.common(), child=persons[0] if persons else None,
                             setai_number=self.cleaned_data["setai_number"])


class MembersForm(ChangeForm):
    edits_relationships = True
    atena_numbers = forms.MultipleChoiceField(label="異動者", widget=forms.CheckboxSelectMultiple)
    remaining_head = forms.ChoiceField(label="残る世帯の新しい世帯主（世帯主が異動する場合）", required=False)
    without_head = forms.BooleanField(label=WITHOUT_HEAD_LABEL, required=False)


class MoveWithinForm(MembersForm):
    prefills_setai = False
    moves_everyone = True
    town_code = TownField(label="新住所（町字）")
    banchi = forms.CharField(label="番地", max_length=100)
    katagaki = forms.CharField(label="方書", max_length=200, required=False)
    setai_number = forms.CharField(label="転居先の既存世帯の世帯番号（入る場合）", max_length=15, required=False)
    new_head = forms.ChoiceField(label="新しい世帯の世帯主（一部転居の場合）", required=False)

    def command(self) -> C.Command:
        d = self.cleaned_data
        return C.RecordMoveWithin(**self.common(), atena_numbers=tuple(d["atena_numbers"]), town_code=d["town_code"],
                                  banchi=d["banchi"], katagaki=d.get("katagaki", ""),
                                  setai_number=d.get("setai_number", ""), new_head=d.get("new_head", ""),
                                  **self.head_choice(), relationships=self.rels())


class MoveOutForm(MembersForm):
    moves_everyone = True
    moved_on = WarekiDateField(label="転出予定日")
    abroad = forms.BooleanField(label="国外への転出", required=False)
    destination_address = forms.CharField(label="転出先住所", max_length=300)
    destination_municipality_code = forms.CharField(label="転出先の市区町村コード", max_length=6, required=False)

    def command(self) -> C.Command:
        d = self.cleaned_data
        return C.RecordMoveOut(**self.common(), atena_numbers=tuple(d["atena_numbers"]),
                               destination_address=d["destination_address"],
                               destination_municipality_code=d.get("destination_municipality_code", ""),
                               abroad=d.get("abroad", False), **self.head_choice(),
                               relationships=self.rels())


class ExOfficioRemovalForm(MembersForm):
    variant = forms.ChoiceField(label="職権消除の区分", choices=[("", "職権消除"), ("naturalisation", "帰化等"),
                                                             ("nationality_loss", "国籍喪失")], required=False)

    def command(self) -> C.Command:
        d = self.cleaned_data
        return C.RecordExOfficioRemoval(**self.common(), atena_numbers=tuple(d["atena_numbers"]),
                                        variant=d.get("variant", ""), **self.head_choice(),
                                        relationships=self.rels())


class SplitForm(MembersForm):
    new_head = forms.ChoiceField(label="新しい世帯の世帯主")

    def command(self) -> C.Command:
        d = self.cleaned_data
        return C.SplitHousehold(**self.common(), atena_numbers=tuple(d["atena_numbers"]), new_head=d["new_head"],
                                **self.head_choice(), relationships=self.rels())


class ChangeHouseholdForm(MembersForm):
    into_setai_number = forms.CharField(label="移る先の世帯番号（同一住所）", max_length=15)

    def command(self) -> C.Command:
        d = self.cleaned_data
        return C.ChangeHousehold(**self.common(), atena_numbers=tuple(d["atena_numbers"]),
                                 into_setai_number=d["into_setai_number"],
                                 **self.head_choice(), relationships=self.rels())


class DeathForm(ChangeForm):
    moved_on = WarekiDateField(label="死亡日")
    moved_on_text = forms.CharField(
        label="死亡日の不詳日（戸籍の記載）", max_length=50, required=False,
        help_text="戸籍が「推定令和5年6月」「令和5年6月1日から6月10日頃までの間」などと記載するとき。死亡日にはその期間の日を入力")
    atena_number = forms.ChoiceField(label="死亡した方")
    remaining_head = forms.ChoiceField(label="新しい世帯主（世帯主が死亡した場合）", required=False)
    without_head = forms.BooleanField(label=WITHOUT_HEAD_LABEL, required=False)
    edits_relationships = True

    def command(self) -> C.Command:
        d = self.cleaned_data
        return C.RecordDeath(**self.common(), atena_number=d["atena_number"], moved_on_text=d.get("moved_on_text", ""),
                             **self.head_choice(), relationships=self.rels())


class MergeForm(ChangeForm):
    setai_number = forms.CharField(label="合併する世帯の世帯番号", max_length=15)
    into_setai_number = forms.CharField(label="合併先の世帯番号", max_length=15)
    edits_relationships = True

    def command(self) -> C.Command:
        d = self.cleaned_data
        return C.MergeHousehold(**self.common(), setai_number=d["setai_number"],
                                into_setai_number=d["into_setai_number"], relationships=self.rels())


class HeadChangeForm(ChangeForm):
    setai_number = forms.CharField(label="世帯番号", max_length=15)
    new_head = forms.ChoiceField(label="新しい世帯主")
    edits_relationships = True  # the other members' new 続柄 (to the new 世帯主)

    def command(self) -> C.Command:
        d = self.cleaned_data
        return C.ChangeHouseholdHead(**self.common(), setai_number=d["setai_number"], new_head=d["new_head"],
                                     relationships=self.rels())


def _correctable_choices() -> list[tuple[str, str]]:
    labels = {f.name: str(f.verbose_name) for f in PersonRecord._meta.get_fields() if hasattr(f, "verbose_name")}
    return sorted(((k, labels.get(k, k)) for k in CORRECTABLE), key=lambda c: c[1])


class CorrectForm(ChangeForm):
    atena_number = forms.ChoiceField(label="修正する方")
    kind = forms.ChoiceField(label="修正の区分", choices=list(C.CORRECTION_KINDS.items()))
    item = forms.ChoiceField(label="修正する項目", choices=_correctable_choices)
    value = forms.CharField(label="修正後の内容（日付は和暦・西暦、性別は男・女）", max_length=300, required=False)

    def clean(self) -> dict[str, Any]:
        """A date typed as the clerk types any date (和暦・西暦), a sex as 男・女: passed on as the command's values."""
        d = super().clean() or {}
        item, value = d.get("item"), (d.get("value") or "").strip()
        if item in DATE_FIELDS and value:
            try:
                day = WarekiDateField().to_python(value)
            except forms.ValidationError as exc:
                self.add_error("value", exc)
            else:
                d["value"] = day.isoformat() if day else ""
        elif item == "sex" and value:
            sex = {"男": "M", "女": "F", "M": "M", "F": "F"}.get(nfkc(value).upper())
            if sex is None:
                self.add_error("value", "性別は「男」または「女」と入力してください。")
            else:
                d["value"] = sex
        return d

    def command(self) -> C.Command:
        d = self.cleaned_data
        return C.CorrectRecord(**self.common(), atena_number=d["atena_number"], kind=d["kind"],
                               changes={d["item"]: d.get("value", "")})


class MyNumberForm(ChangeForm):
    atena_number = forms.ChoiceField(label="対象の方")
    kind = forms.ChoiceField(label="区分", choices=[("change_request", "変更請求"), ("ex_officio_correction", "職権修正"),
                                                  ("ex_officio_entry", "職権記載")])
    my_number = forms.CharField(label="個人番号", max_length=12, min_length=12)

    def command(self) -> C.Command:
        d = self.cleaned_data
        return C.ChangeMyNumber(**self.common(), atena_number=d["atena_number"], my_number=d["my_number"],
                                kind=d["kind"])


class JuminhyoCodeForm(ChangeForm):
    atena_number = forms.ChoiceField(label="対象の方")
    kind = forms.ChoiceField(label="区分", choices=[("change_request", "変更請求"), ("ex_officio_entry", "職権記載")])
    juminhyo_code = forms.CharField(label="住民票コード", max_length=11, min_length=11)

    def command(self) -> C.Command:
        d = self.cleaned_data
        return C.ChangeJuminhyoCode(**self.common(), atena_number=d["atena_number"],
                                    juminhyo_code=d["juminhyo_code"], kind=d["kind"])


class KyuujiForm(ChangeForm):
    atena_number = forms.ChoiceField(label="対象の方")
    action = forms.ChoiceField(label="区分", choices=[("entry", "旧氏の記載"), ("change", "旧氏の変更"),
                                                    ("deletion", "旧氏の削除")])
    kyuuji = forms.CharField(label="旧氏", max_length=100, required=False)
    kyuuji_kana = KanaField(label="旧氏フリガナ", max_length=200, required=False)

    def command(self) -> C.Command:
        d = self.cleaned_data
        return C.RecordKyuuji(**self.common(), atena_number=d["atena_number"], action=d["action"],
                              kyuuji=d.get("kyuuji", ""), kyuuji_kana=d.get("kyuuji_kana", ""))


class TsushoForm(ChangeForm):
    atena_number = forms.ChoiceField(label="対象の方")
    action = forms.ChoiceField(label="区分", choices=[("entry", "通称の記載"), ("deletion", "通称の削除")])
    tsusho = forms.CharField(label="通称", max_length=200, required=False)
    tsusho_kana = KanaField(label="通称フリガナ", max_length=200, required=False)

    def command(self) -> C.Command:
        d = self.cleaned_data
        return C.RecordTsusho(**self.common(), atena_number=d["atena_number"], action=d["action"],
                              tsusho=d.get("tsusho", ""), tsusho_kana=d.get("tsusho_kana", ""))


class FuriganaForm(ChangeForm):
    """The 本籍地's notice of 氏名の振り仮名 (住基法第9条第2項): 異動日 is the day the 戸籍 was written, 届出日 the
    day the notice arrived. ひらがな is taken as カタカナ; the 片仮名 rule itself is the domain's."""

    moved_on = WarekiDateField(label="戸籍に記載された日（異動日）")
    notified_on = WarekiDateField(label="通知を受けた日", required=False)
    atena_number = forms.ChoiceField(label="対象の方")
    furigana_shi = KanaField(label="氏の振り仮名", max_length=100, required=False,
                             help_text="本籍地の通知のとおり、片仮名で（氏または名の一方だけの通知もあります）")
    furigana_mei = KanaField(label="名の振り仮名", max_length=100, required=False)
    honseki_municipality = forms.CharField(label="通知をした本籍地の市区町村", max_length=50, required=False)

    def command(self) -> C.Command:
        d = self.cleaned_data
        common = self.common()
        source = d.get("honseki_municipality", "").strip()
        if source:
            common["note"] = "\n".join(x for x in (f"本籍地（{source}）からの通知", common.get("note", "")) if x)
        return C.RecordFuriganaNotification(**common, atena_number=d["atena_number"],
                                            furigana_shi=d.get("furigana_shi", ""),
                                            furigana_mei=d.get("furigana_mei", ""))


class CancelForm(ChangeForm):
    moved_on = WarekiDateField(label="取消しの異動日")
    change_id = forms.CharField(label="取り消す異動のID", max_length=40)

    def command(self) -> C.Command:
        return C.CancelChange(**self.common(), change_id=self.cleaned_data["change_id"].strip())


@dataclass(frozen=True)
class Kind:
    slug: str
    label: str
    form: type[ChangeForm]
    group: str                   # 届出 / 職権 / 世帯 / 番号・氏 / 取消し
    persons: int = 0             # how many PersonFields slots the form shows (転入: several, 出生: one)
    scope: str = ""              # "household": opened from a household page; "person": from a resident page
    first_relationship: str = ""  # the first person's 続柄 to start with: 転入 世帯主, 出生 子 (the others: empty)


KINDS: dict[str, Kind] = {k.slug: k for k in (
    Kind("move-in", "転入", MoveInForm, "届出", persons=PERSON_SLOTS, first_relationship=HEAD),
    Kind("birth", "出生", BirthForm, "届出", persons=1, scope="household", first_relationship="子"),
    Kind("move-within", "転居", MoveWithinForm, "届出", scope="household"),
    Kind("move-out", "転出", MoveOutForm, "届出", scope="household"),
    Kind("death", "死亡", DeathForm, "届出", scope="household"),
    Kind("split", "世帯分離", SplitForm, "世帯", scope="household"),
    Kind("merge", "世帯合併", MergeForm, "世帯", scope="household"),
    Kind("change-household", "世帯変更", ChangeHouseholdForm, "世帯", scope="household"),
    Kind("head-change", "世帯主変更", HeadChangeForm, "世帯", scope="household"),
    Kind("correct", "修正（職権修正・軽微な修正・誤記修正）", CorrectForm, "職権", scope="household"),
    Kind("ex-officio-entry", "職権記載", ExOfficioEntryForm, "職権", persons=PERSON_SLOTS, first_relationship=HEAD),
    Kind("ex-officio-removal", "職権消除", ExOfficioRemovalForm, "職権", scope="household"),
    Kind("my-number", "個人番号の異動", MyNumberForm, "番号・氏", scope="household"),
    Kind("juminhyo-code", "住民票コードの異動", JuminhyoCodeForm, "番号・氏", scope="household"),
    Kind("kyuuji", "旧氏の記載・変更・削除", KyuujiForm, "番号・氏", scope="household"),
    Kind("tsusho", "通称の記載・削除", TsushoForm, "番号・氏", scope="household"),
    Kind("furigana", "氏名の振り仮名（本籍地からの通知）", FuriganaForm, "番号・氏", scope="household"),
    Kind("cancel", "異動の取消し", CancelForm, "取消し"),
)}
