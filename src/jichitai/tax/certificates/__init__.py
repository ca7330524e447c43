"""課税（非課税）証明書 (地方税法第20条の10 and the city's 税務証明 rules): what the certificate says (content.py, pure),
who may have it and its issuance with 交付番号, 交付履歴 and audit (services.py), as a Typst PDF."""
