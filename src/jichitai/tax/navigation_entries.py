from jichitai.accounts.navigation import Entry, register

register(Entry("住民税の区別集計", "tax:summary", "tax.summary", "年度ごとの賦課の人数と税額（区別、所得割・均等割）", 45))
