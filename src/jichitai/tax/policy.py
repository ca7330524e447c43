"""The tax context's actions (autodiscovered)."""

from __future__ import annotations

from jichitai.accounts import roles as R
from jichitai.accounts.policy import define

define("tax.calculate", "住民税額の試算", {R.TAX_REVIEWER, R.COUNTER_CLERK})
define("tax.summary", "住民税の区別集計の閲覧", {R.TAX_REVIEWER})
define("tax.reports.review", "支払報告書の確認（訂正・重複の判断）", {R.TAX_REVIEWER})
define("tax.certificate.issue", "課税（非課税）証明書の交付（窓口）", {R.COUNTER_CLERK, R.TAX_REVIEWER})
define("tax.taxpayer.view", "納税者の照会（賦課・徴収・課税資料・通知書の印刷）", {R.TAX_REVIEWER, R.SUPERVISOR})
define("tax.payment.record", "収納の記録（窓口での納付・コンビニ収納データの取込）", {R.TAX_REVIEWER})
