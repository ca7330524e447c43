"""住民記録 tables, one module per concept (people, history, issuance, suppression, counter, beside,
move_in_notices). Every model is importable from here, as before the split, and this import is how Django finds them.
"""

from jichitai.registry.models.beside import AppendOnlySetting, DeFactoHead, MailingCodeSetting, ResidentMemo
from jichitai.registry.models.counter import EditLock, NumberSeries, PendingChange, Submission, Terminal
from jichitai.registry.models.history import OutboxEvent, ResidentHistory
from jichitai.registry.models.issuance import CertificateIssuance, InspectionRequest
from jichitai.registry.models.move_in_notices import MoveInNoticeReceipt, MoveInNoticeSending
from jichitai.registry.models.people import Household, PersonRecord, Resident, Town
from jichitai.registry.models.suppression import SupportRequest, Suppression, TemporaryLift

__all__ = [
    "AppendOnlySetting",
    "CertificateIssuance",
    "DeFactoHead",
    "EditLock",
    "Household",
    "InspectionRequest",
    "MailingCodeSetting",
    "MoveInNoticeReceipt",
    "MoveInNoticeSending",
    "NumberSeries",
    "OutboxEvent",
    "PendingChange",
    "PersonRecord",
    "Resident",
    "ResidentHistory",
    "ResidentMemo",
    "Submission",
    "SupportRequest",
    "Suppression",
    "TemporaryLift",
    "Terminal",
    "Town",
]
