from jichitai.accounts.navigation import Entry, register

register(Entry("データ連携基盤", "hub:overview", "hub.monitor", "連携システム・フィードの遅延・隔離ファイル・分析基盤の鮮度", 60))
