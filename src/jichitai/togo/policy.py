"""Actions of 団体内統合宛名: connected systems convert and register their numbers; the operator numbers everyone
(``jichitai togo assign``)."""

from jichitai.accounts import roles as R
from jichitai.accounts.policy import define
from jichitai.hub.models import SYSTEM_ROLE

define("togo.convert", "宛名番号と団体内統合宛名番号の変換", {SYSTEM_ROLE}, grant="togo")
define("togo.link", "宛名番号対応表への登録", {SYSTEM_ROLE}, grant="togo")
define("togo.operate", "団体内統合宛名番号の一括付番", {R.SYSADMIN})
