"""A registry record as the certificates print it: the 住所 in words and the items of one person (plain data).

Shared by the 住民票の写し and its siblings (services.py, joshuhyo.py) and the 転出証明書 (moveout_services.py).
"""

from __future__ import annotations

from jichitai.registry.certificates import certifiers
from jichitai.registry.certificates.snapshot import ForeignItems, PersonEntry
from jichitai.registry.domain.person import FOREIGN, MALE, Person
from jichitai.registry.models import Town


def address_text(person: Person, towns: dict[str, Town]) -> str:
    prefecture, city = certifiers.city()
    town = towns.get(person.town_code)
    if town is None:
        return person.banchi
    return f"{prefecture}{city}{town.ward_name}{town.name}{person.banchi}"


def entry_of(person: Person) -> PersonEntry:
    foreign = None
    if person.resident_kind == FOREIGN:
        foreign = ForeignItems(
            name_roman=person.name if person.name.isascii() else "", nationality=person.nationality,
            article_30_45=person.article_30_45, status=person.residence_status, period=person.residence_period,
            period_end=person.residence_until, card_number=person.residence_card_number,
            became_resident_on=person.foreign_resident_on, became_resident_on_text=person.foreign_resident_on_text,
        )
    return PersonEntry(
        atena_number=person.atena_number, name=person.name, kana=person.kana, birth_date=person.birth_date,
        sex="男" if person.sex == MALE else "女", relationship=person.relationship,
        became_resident_on=person.became_resident_on, address_set_on=person.address_set_on,
        notified_on=person.notified_on, previous_address=person.previous_address, honseki=person.honseki,
        hittosha=person.hittosha, my_number=person.my_number, juminhyo_code=person.juminhyo_code,
        old_surname=person.kyuuji, furigana_shi=person.furigana_shi, furigana_mei=person.furigana_mei, tsusho=person.tsusho, foreign=foreign,
        birth_date_text=person.birth_date_text, became_resident_on_text=person.became_resident_on_text,
        address_set_on_text=person.address_set_on_text,
        remarks=tuple(line for line in person.note.splitlines() if line.strip()),
    )
