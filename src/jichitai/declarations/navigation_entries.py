from jichitai.accounts.navigation import Entry, register

register(Entry("申告審査", "declarations:queue", "declarations.queue", "自動審査で職員確認となった申告を処理します", 40))
register(Entry("申告訂正の決裁", "declarations:approvals", "declarations.approve", "職員が訂正した申告を決裁します", 41))
register(Entry("申告の実績", "declarations:metrics", "declarations.metrics", "自動受理の割合、待ち件数、削減時間", 42))
