from jichitai.accounts.navigation import Entry, register

register(Entry("アクセスログ", "audit:log", "audit.view", "閲覧・変更・出力・拒否の記録と改ざん検証", order=900))
