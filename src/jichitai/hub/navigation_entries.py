from jichitai.accounts.navigation import Entry, register

register(Entry("データ連携基盤", "hub:overview", "hub.monitor", "連携システム・フィードの遅延・隔離ファイル・分析基盤の鮮度", 60))
register(Entry("災害対策（DR）の状況", "hub:dr", "hub.monitor", "本番・待機の地域、複製の遅れ、分析基盤の複製（閲覧のみ）", 61))
