"""Actions of the data lounge. Dashboards add their own rule through ``Dashboard.permits`` (shared with a
department or with everyone)."""

from jichitai.accounts import roles as R
from jichitai.accounts.policy import define

define("lounge.view", "データラウンジの指標・ダッシュボードの閲覧", R.ALL_STAFF)
define("lounge.dashboard.view", "共有ダッシュボードの閲覧", R.ALL_STAFF)
define("lounge.dashboard.edit", "ダッシュボードの作成・共有", {R.ANALYST, R.SYSADMIN})
define("lounge.sql", "データラウンジへのSQL照会（読み取り専用）", {R.ANALYST})
define("lounge.export", "BIツール向け集計データの出力", {R.ANALYST, R.SYSADMIN})
define("lounge.refresh", "マートの再計算", {R.SYSADMIN})
define("lounge.person_level", "個票（仮名化）テーブルへの接続（承認された研究のみ・記録される）", {R.RESEARCHER})
