"""住民 and 世帯: the address dictionary (住所辞書), households, and the resident snapshot items shared by the current
row (:class:`Resident`) and every history row (:class:`~jichitai.registry.models.history.ResidentHistory`).

Naming: romaji for terms of art (``atena_number`` 宛名番号, ``setai_number`` 世帯番号); see docs/glossary.md.
個人番号 is never stored in clear: ``my_number_encrypted`` (AES-256-GCM, key outside the database) and
``my_number_index`` (keyed HMAC blind index) — see :mod:`jichitai.common.vault`.
"""

from __future__ import annotations

from django.db import models


class Town(models.Model):
    """住所辞書 (j250): one 町字 of the city."""

    code = models.CharField("町字コード", max_length=12, primary_key=True)
    ward_code = models.CharField("行政区コード", max_length=5, db_index=True)
    ward_name = models.CharField("行政区名", max_length=20)
    name = models.CharField("町字", max_length=100)
    kana = models.CharField("町字フリガナ", max_length=200, blank=True, default="")
    postcode = models.CharField("郵便番号", max_length=8, blank=True, default="")
    school_district = models.CharField("小学校区", max_length=100, blank=True, default="")

    class Meta:
        verbose_name = "町字"
        verbose_name_plural = "住所辞書"
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.ward_name}{self.name}"


class Household(models.Model):
    """世帯: the 世帯番号 and what is common to its members. ``version`` increases with every 異動 touching
    it; rows are locked (SELECT … FOR UPDATE) while a 異動 is decided."""

    setai_number = models.CharField("世帯番号", max_length=15, primary_key=True)
    ward_code = models.CharField("行政区コード", max_length=5)  # nothing looks households up by ward
    town_code = models.CharField("町字コード", max_length=12, blank=True, default="")
    banchi = models.CharField("番地", max_length=100, blank=True, default="")
    katagaki = models.CharField("方書", max_length=200, blank=True, default="")
    head_atena_number = models.CharField("世帯主宛名番号", max_length=15, blank=True, default="")
    member_count = models.PositiveIntegerField("世帯員数", default=0)
    version = models.PositiveIntegerField(default=0)
    created_on = models.DateField("世帯設定日", null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "世帯"
        verbose_name_plural = "世帯"

    def __str__(self) -> str:
        return f"世帯 {self.setai_number}"


class PersonRecord(models.Model):
    """Every item of the resident snapshot (domain ``Person``), shared by the current row and history rows."""

    atena_number = models.CharField("宛名番号", max_length=15)
    setai_number = models.CharField("世帯番号", max_length=15)
    status = models.CharField("住民状態", max_length=10)
    resident_kind = models.CharField("住民種別", max_length=10)
    name = models.CharField("氏名", max_length=200)
    kana = models.CharField("氏名フリガナ", max_length=200, blank=True, default="")
    birth_date = models.DateField("生年月日")
    # j80: a 不詳日 or 暦上日以外 (「令和5年頃」「令和5年2月29日」) as the 戸籍 has it; ``birth_date`` is then its internal day
    birth_date_text = models.CharField("生年月日（不詳日等）", max_length=50, blank=True, default="", db_default="")
    sex = models.CharField("性別", max_length=1)
    relationship = models.CharField("続柄", max_length=20)
    household_order = models.PositiveSmallIntegerField("世帯員の並び順", default=1)
    kyuuji = models.CharField("旧氏", max_length=100, blank=True, default="")
    kyuuji_kana = models.CharField("旧氏フリガナ", max_length=200, blank=True, default="")
    tsusho = models.CharField("通称", max_length=200, blank=True, default="")
    tsusho_kana = models.CharField("通称フリガナ", max_length=200, blank=True, default="")
    # 氏名の振り仮名 (戸籍法第13条第1項第2号, 住基法第7条 as amended): from the 本籍地's notice only; not ``kana``
    furigana_shi = models.CharField("氏の振り仮名", max_length=100, blank=True, default="", db_default="")
    furigana_mei = models.CharField("名の振り仮名", max_length=100, blank=True, default="", db_default="")
    honseki = models.CharField("本籍", max_length=200, blank=True, default="")
    hittosha = models.CharField("筆頭者", max_length=100, blank=True, default="")
    became_resident_on = models.DateField("住民となった年月日", null=True, blank=True)
    became_resident_on_text = models.CharField("住民となった年月日（不詳日等）", max_length=50, blank=True, default="",
                                               db_default="")
    town_code = models.CharField("町字コード", max_length=12, blank=True, default="")
    ward_code = models.CharField("行政区コード", max_length=5, blank=True, default="")
    banchi = models.CharField("番地", max_length=100, blank=True, default="")
    katagaki = models.CharField("方書", max_length=200, blank=True, default="")
    postcode = models.CharField("郵便番号", max_length=8, blank=True, default="")
    address_set_on = models.DateField("住所を定めた年月日", null=True, blank=True)
    address_set_on_text = models.CharField("住所を定めた年月日（不詳日等）", max_length=50, blank=True, default="",
                                           db_default="")
    notified_on = models.DateField("届出の年月日", null=True, blank=True)
    previous_address = models.CharField("転入前住所", max_length=300, blank=True, default="")
    previous_municipality_code = models.CharField("転入前住所市区町村コード", max_length=6, blank=True, default="")
    my_number_encrypted = models.CharField("個人番号（暗号化）", max_length=120, blank=True, default="")
    my_number_index = models.CharField("個人番号検索索引", max_length=64, blank=True, default="")
    juminhyo_code = models.CharField("住民票コード", max_length=11, blank=True, default="")
    nationality = models.CharField("国籍・地域", max_length=100, blank=True, default="")
    foreign_resident_on = models.DateField("外国人住民となった年月日", null=True, blank=True)
    foreign_resident_on_text = models.CharField("外国人住民となった年月日（不詳日等）", max_length=50, blank=True,
                                                default="", db_default="")
    article_30_45 = models.CharField("法第30条の45の区分", max_length=50, blank=True, default="")
    residence_status = models.CharField("在留資格", max_length=100, blank=True, default="")
    residence_period = models.CharField("在留期間", max_length=50, blank=True, default="")
    residence_until = models.DateField("在留期間の満了の日", null=True, blank=True)
    residence_card_number = models.CharField("在留カード等の番号", max_length=12, blank=True, default="")
    removal_reason = models.CharField("消除事由", max_length=50, blank=True, default="")
    removed_on = models.DateField("消除の異動日", null=True, blank=True)
    # j80: a 死亡's 不詳日 (「推定令和5年6月」) as the 戸籍 has it; ``removed_on`` is then its internal day
    removed_on_text = models.CharField("消除の異動日（不詳日等）", max_length=50, blank=True, default="", db_default="")
    destination_address = models.CharField("転出先住所", max_length=300, blank=True, default="")
    destination_municipality_code = models.CharField("転出先市区町村コード", max_length=6, blank=True, default="")
    # j10 「転出年月日（転出の場合）」: the 転出予定年月日, or the 転入通知's 転入日 when earlier (j50)
    moved_out_on = models.DateField("転出年月日", null=True, blank=True)
    note = models.TextField("備考", blank=True, default="")

    class Meta:
        abstract = True


class Resident(PersonRecord):
    """The current state of one person (= the history row with the highest 履歴番号), with search keys."""

    atena_number = models.CharField("宛名番号", max_length=15, primary_key=True)
    setai_number = models.CharField("世帯番号", max_length=15)
    name_key = models.CharField("氏名検索キー", max_length=200)
    kana_key = models.CharField("フリガナ検索キー", max_length=200)
    # 名 alone (「一郎」, 「イチロウ」): a clerk who knows only the given name (common.text.given_name_key)
    given_name_key = models.CharField("名検索キー", max_length=200, default="", db_default="")
    given_kana_key = models.CharField("名フリガナ検索キー", max_length=200, default="", db_default="")
    history_no = models.PositiveIntegerField("履歴番号", default=1)
    last_change_id = models.UUIDField("最終異動ID", null=True, blank=True)
    version = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "住民"
        verbose_name_plural = "住民"
        indexes = [
            models.Index(fields=["birth_date"], name="reg_res_birth"),
            models.Index(fields=["town_code", "banchi"], name="reg_res_address"),
            models.Index(fields=["juminhyo_code"], name="reg_res_juminhyo"),
            models.Index(fields=["kana_key", "birth_date"], name="reg_res_kana_birth"),
            # every index is paid for by every 異動: one per way the counter searches, no duplicates
            models.Index(fields=["setai_number"], name="reg_res_setai"),
            models.Index(fields=["name_key"], name="reg_res_name_prefix", opclasses=["varchar_pattern_ops"]),
            models.Index(fields=["kana_key"], name="reg_res_kana_prefix", opclasses=["varchar_pattern_ops"]),
            models.Index(fields=["given_name_key"], name="reg_res_given_prefix", opclasses=["varchar_pattern_ops"]),
            models.Index(fields=["given_kana_key"], name="reg_res_given_kana_prefix",
                         opclasses=["varchar_pattern_ops"]),
            # the daily run of 転出 whose 転出予定日 has come (registry/departures.py): a handful of rows
            models.Index(fields=["removed_on"], name="reg_res_departing",
                         condition=models.Q(status="active", removed_on__isnull=False)),
        ]
        constraints = [
            # also the index a look-up by 個人番号 uses (a query names ``my_number_index <> ''`` or a number)
            models.UniqueConstraint(fields=["my_number_index"], condition=~models.Q(my_number_index=""),
                                    name="reg_res_mynumber_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.atena_number})"
