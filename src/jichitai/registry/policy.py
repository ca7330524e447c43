"""住民記録 actions and the roles granted them (10.3 操作権限管理, j1380)."""

from jichitai.accounts import roles as R
from jichitai.accounts.policy import define

define("registry.view", "住民記録の照会", {R.COUNTER_CLERK, R.SUPERVISOR, R.AUDITOR})
define("registry.change", "住民異動の入力", {R.COUNTER_CLERK, R.SUPERVISOR})
define("registry.approve", "職権異動の決裁", {R.SUPERVISOR}, duty=R.REGISTRY_DUTY)
define("registry.view_mynumber", "個人番号の表示（利用目的の記録が必要）", {R.SUPERVISOR})
define("registry.certificate.issue", "住民票の写し等の交付", {R.COUNTER_CLERK, R.SUPERVISOR})
define("registry.export", "住民記録の全件・差分出力", {R.SUPERVISOR, R.SYSADMIN})
define("registry.import", "住民記録の取込（移行）", {R.SYSADMIN})
define("registry.suppression.propose", "支援措置の開始・延長・終了の起案", {R.COUNTER_CLERK, R.SUPERVISOR})
define("registry.suppression.manage", "抑止設定の設定と解除・支援措置の決裁", {R.SUPERVISOR}, duty=R.REGISTRY_DUTY)
define("registry.suppression.view", "支援措置の期限管理と抑止対象への操作試行の確認", {R.SUPERVISOR, R.AUDITOR})
