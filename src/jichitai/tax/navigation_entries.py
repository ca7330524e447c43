from jichitai.accounts.navigation import Entry, register

register(Entry("住民税の区別集計", "tax:summary", "tax.summary", "年度ごとの賦課の人数と税額（区別、所得割・均等割）", 45))
register(Entry("支払報告書の確認待ち", "tax:held_reports", "tax.reports.review",
               "同じ支払者から重ねて届いた給与・年金の支払報告書（訂正・取消の指定なし）の確認", 46))
register(Entry("課税（非課税）証明書", "tax:certificate", "tax.certificate.issue", "窓口での課税（非課税）証明書の交付（本人・同一世帯・代理人）", 47))
register(Entry("納税者の照会", "tax:taxpayers", "tax.taxpayer.view", "宛名番号・氏名・フリガナ・個人番号で納税者を探し、賦課の各版・徴収計画・課税資料・通知書を見る", 44))
