"""個人住民税: the resident tax engine and the annual assessment (賦課)."""
