"""住民記録 entries of the staff menu."""

from jichitai.accounts.navigation import Entry, register

register(Entry("住民検索", "registry:search", "registry.view", "氏名・フリガナ・生年月日・住所・番号で検索", order=10))
register(Entry("住民異動", "registry:change_menu", "registry.change", "転入・転居・転出・出生・死亡・世帯変更・職権", order=11))
register(Entry("決裁", "registry:approvals", "registry.approve", "職権異動の決裁", order=12))
register(Entry("支援措置", "registry:suppressions", "registry.suppression.view",
               "支援措置の決裁・期限管理（終了日を過ぎた抑止）と対象者への操作の一覧", order=13))
register(Entry("閲覧用写し", "registry:inspection", "registry.inspection",
               "住民基本台帳の一部の写し（閲覧用）の作成（町字・年齢・性別、住所順又は無作為順、PDF・CSV）", order=14))
register(Entry("転入通知", "registry:move_in_notices", "registry.move_in_notice",
               "転出地への転入通知（住民基本台帳法第9条第1項）の印刷と送付の記録（未送付・送付済）", order=15))
register(Entry("文字コード照会", "registry:moji", "registry.view",
               "氏名・住所の文字を拡大し、文字コード（UCS・JIS X 0213）と行政事務標準文字かを表示", order=16))
