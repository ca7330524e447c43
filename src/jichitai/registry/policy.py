"""住民記録 actions and the roles granted them (10.3 操作権限管理, j1380)."""

from jichitai.accounts import roles as R
from jichitai.accounts.policy import define

define("registry.view", "住民記録の照会", {R.COUNTER_CLERK, R.SUPERVISOR, R.AUDITOR})
define("registry.change", "住民異動の入力", {R.COUNTER_CLERK, R.SUPERVISOR})
define("registry.approve", "職権異動の決裁", {R.SUPERVISOR}, duty=R.REGISTRY_DUTY)
# A draft touching a person under 照会抑止 is hidden from staff (3.1); approving it blind would record what nobody
# saw. Only the 支援措置責任者 opens it (audited) and so may approve it — besides ``registry.approve``.
define("registry.approve_protected", "照会抑止の対象者にかかる職権異動の確認と決裁", {R.SUPPORT_OFFICER},
       duty=R.REGISTRY_DUTY)
define("registry.view_mynumber", "個人番号の表示（利用目的の記録が必要）", {R.SUPERVISOR})
# 10.4 (j1390): 「戸籍の表示」「個人番号」「住民票コード」「在留資格等」 shown or hidden per person on every screen:
# each is an action of its own (the 個人番号 above), granted through the person's roles; access.ITEM_ACTIONS
# lists the items each one covers and masks them wherever a person's record is read.
define("registry.view_honseki", "戸籍の表示（本籍・筆頭者）の表示", {R.COUNTER_CLERK, R.SUPERVISOR})
define("registry.view_juminhyo_code", "住民票コードの表示", {R.COUNTER_CLERK, R.SUPERVISOR})
define("registry.view_residence_status", "在留資格等（法第30条の45の区分・在留資格・在留期間・満了の日・在留カード等番号）の表示",
       {R.COUNTER_CLERK, R.SUPERVISOR})
define("registry.certificate.issue", "住民票の写し等の交付", {R.COUNTER_CLERK, R.SUPERVISOR})
define("registry.export", "住民記録の全件・差分出力", {R.SUPERVISOR, R.SYSADMIN})
define("registry.import", "住民記録の取込（移行）", {R.SYSADMIN})
define("registry.suppression.propose", "支援措置の開始・延長・終了の起案", {R.COUNTER_CLERK, R.SUPERVISOR})
# j410: 「抑止・解除、又は一時解除できる権限は個別に設定できること」: setting, extending and ending a suppression
# (and the 決裁 of a 支援措置) and lifting one for a while are two actions, each granted on its own; both go to the
# 支援措置責任者 the city names, not to every 決裁者 (a role no administrator can give themselves: rolechanges).
define("registry.suppression.manage", "抑止設定の設定・延長・終了と支援措置の決裁", {R.SUPPORT_OFFICER},
       duty=R.REGISTRY_DUTY)
define("registry.suppression.lift_temporarily", "抑止の一時解除（一定時間の後に自動で抑止に戻る）", {R.SUPPORT_OFFICER},
       duty=R.REGISTRY_DUTY)
# The 一時解除 names the member of staff who does the business (照会・交付・異動) while it runs. Naming oneself is
# a right of its own, granted to no role: j410 sets the right to lift apart from the rights of the business
# (「抑止・解除、又は一時解除できる権限は個別に設定できること」), and j440 has the 支援措置責任者 examine a request and
# release the error (「審査の結果…交付を行う場合には、エラーを解除できること」) for the counter to act on, so the
# one who releases is not the one who reads or issues (10.3 事務分掌). A city that must let one person do both
# grants this action to a role here, in the one policy.
define("registry.suppression.lift_for_self", "自分を担当職員とする抑止の一時解除", set(), duty=R.REGISTRY_DUTY)
define("registry.suppression.view", "支援措置の期限管理と抑止対象への操作試行の確認",
       {R.SUPERVISOR, R.SUPPORT_OFFICER, R.AUDITOR})
# 住民基本台帳の一部の写しの閲覧 (住基法第11条・第11条の2, 標準仕様書 9.5): the list of a whole area, so a supervisor's
# or counter clerk's duty in the 市民課, not every member of staff's
define("registry.inspection", "住民基本台帳の一部の写し（閲覧用）の作成", {R.COUNTER_CLERK, R.SUPERVISOR},
       duty=R.REGISTRY_DUTY)
define("registry.receipt_notice", "住民異動届受理通知の出力", {R.COUNTER_CLERK, R.SUPERVISOR})
# 転入通知 (住基法第9条第1項): printing the notices to the 転出地 and marking them sent, the 市民課's clerks' work
define("registry.move_in_notice", "転入通知（法第9条第1項）の出力・送付の記録と、届いた転入通知の受理", {R.COUNTER_CLERK, R.SUPERVISOR})
