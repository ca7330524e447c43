"""Who may do what with declarations. Residents are their own actor type (declarations.actors)."""

from jichitai.accounts import roles as R
from jichitai.accounts.policy import define
from jichitai.declarations.actors import RESIDENT

define("declarations.file", "市民税・県民税の申告（本人）", {RESIDENT})
define("declarations.view_own", "自分の申告の閲覧（本人）", {RESIDENT})
define("declarations.queue", "申告審査の一覧", {R.TAX_REVIEWER, R.SUPERVISOR})
define("declarations.review", "申告の審査（受理・訂正・差戻し）", {R.TAX_REVIEWER})
define("declarations.approve", "申告訂正の決裁", {R.SUPERVISOR}, duty=R.TAX_DUTY)
# An address under 照会抑止 is withheld from staff (標準仕様書 3.1); approving its correction blind would record
# what nobody saw. The 市民税課's 支援措置責任者 opens it (audited) and so may approve it (declarations.corrections).
define("declarations.approve_protected", "照会抑止の対象者の住所にかかる申告訂正の確認と決裁", {R.SUPPORT_OFFICER},
       duty=R.TAX_DUTY)
define("declarations.metrics", "申告の実績", {R.TAX_REVIEWER, R.SUPERVISOR, R.ANALYST})
define("declarations.import", "申告データの取込と一括審査", {R.TAX_REVIEWER, R.SYSADMIN})
define("tax.certificate.own", "自分の課税（非課税）証明書の交付（住民ポータル）", {RESIDENT})
