"""Actions of the data integration hub. Connected systems hold the role ``hub_system`` and each feed's
:class:`~jichitai.hub.models.Grant` decides which system gets it (``Grant.permits``)."""

from jichitai.accounts import roles as R
from jichitai.accounts.policy import define
from jichitai.hub.models import SYSTEM_ROLE

define("hub.feed.pull", "連携フィードの取得", {SYSTEM_ROLE})
define("hub.file.send", "連携ファイルの送信", {SYSTEM_ROLE})
define("hub.file.fetch", "連携ファイルの取得", {SYSTEM_ROLE})
define("hub.monitor", "データ連携基盤の運用状況の閲覧", {R.SYSADMIN, R.AUDITOR})
define("hub.operate", "データ連携基盤の運用操作（再送・再構築）", {R.SYSADMIN})
