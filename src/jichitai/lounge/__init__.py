"""データラウンジ: EBPM marts, disclosure control, dashboards."""
