"""The resident portal (住民向け申告ページ)."""
