"""Actions of 住登外者宛名番号管理. Staff who deal with non-residents (窓口, 決裁, 税務審査) search, number and change;
connected systems (role ``hub_system``) call the two APIs of the standard."""

from jichitai.accounts import roles as R
from jichitai.accounts.policy import define
from jichitai.hub.models import SYSTEM_ROLE

STAFF = {R.COUNTER_CLERK, R.SUPERVISOR, R.TAX_REVIEWER}

define("jutogai.search", "住登外者の検索（住登外者宛名基本情報照会）", STAFF | {SYSTEM_ROLE}, grant="jutogai")
define("jutogai.view", "住登外者の照会（異動履歴を含む）", STAFF | {SYSTEM_ROLE}, grant="jutogai")
define("jutogai.number", "住登外者宛名番号の付番", STAFF | {SYSTEM_ROLE}, grant="jutogai")
define("jutogai.change", "住登外者の異動（住所変更・氏名変更・訂正）と重複の統合", STAFF)
define("jutogai.migrate", "住登外者の移行（一括取込み）", {R.SYSADMIN})
