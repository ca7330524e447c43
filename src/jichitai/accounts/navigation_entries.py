from jichitai.accounts.navigation import Entry, register

register(Entry("管理画面", "admin:index", "admin.access", "職員・課・連携システムなどのマスタデータ", order=950))
