from jichitai.accounts.navigation import Entry, register

register(Entry("データラウンジ", "lounge:index", "lounge.view", "人口・世帯・移動・税・申告の指標とダッシュボード（秘匿処理済み）", 70))
