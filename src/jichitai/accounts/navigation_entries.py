from jichitai.accounts.navigation import Entry, register

# admin.enter, as the admin site itself asks: an auditor enters for the audit log, a system administrator for the
# master data; each page inside then asks its own action.
register(Entry("管理画面", "admin:index", "admin.enter",
               "職員・課・連携システムなどのマスタデータ、監査ログ（見られる項目は権限による）", order=950))
