from jichitai.accounts.navigation import Entry, register

register(Entry("住登外者", "jutogai:search", "jutogai.search", "住民でない人（転出した納税者・資産の所有者等）の検索・付番・異動", 45))
