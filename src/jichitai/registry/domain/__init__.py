"""The registry's pure domain: commands, the rules of the 住民記録システム標準仕様書, and the decision of a 異動.

No Django here (import-linter enforces it): the service layer feeds it the current state through a
:class:`Ledger` and writes the :class:`Change` it decides.
"""

from jichitai.registry.domain.commands import (
    COMMANDS,
    ApplyMoveInNoticeDay,
    CancelChange,
    ChangeHousehold,
    ChangeHouseholdHead,
    ChangeJuminhyoCode,
    ChangeMyNumber,
    Command,
    CompleteMoveOut,
    CorrectRecord,
    MergeHousehold,
    NewPerson,
    RecordBirth,
    RecordDeath,
    RecordExOfficioEntry,
    RecordExOfficioRemoval,
    RecordFuriganaNotification,
    RecordKyuuji,
    RecordMoveIn,
    RecordMoveOut,
    RecordMoveWithin,
    RecordTsusho,
    SplitHousehold,
)
from jichitai.registry.domain.decide import Change, Entry, decide
from jichitai.registry.domain.errors import RegistryError, SuppressedError
from jichitai.registry.domain.ledger import Ledger, MemoryLedger, RecordedChange, TownInfo
from jichitai.registry.domain.person import Person
from jichitai.registry.domain.reasons import Group, Reason

__all__ = [
    "COMMANDS", "ApplyMoveInNoticeDay", "CancelChange", "Change", "ChangeHousehold", "ChangeHouseholdHead", "ChangeJuminhyoCode",
    "ChangeMyNumber", "Command", "CompleteMoveOut", "CorrectRecord", "Entry", "Group", "Ledger", "MemoryLedger",
    "MergeHousehold", "NewPerson", "Person", "Reason", "RecordBirth", "RecordDeath", "RecordExOfficioEntry", "RecordExOfficioRemoval",
    "RecordFuriganaNotification",
    "RecordKyuuji", "RecordMoveIn", "RecordMoveOut", "RecordMoveWithin", "RecordTsusho", "RecordedChange",
    "RegistryError", "SplitHousehold", "SuppressedError", "TownInfo", "decide",
]
