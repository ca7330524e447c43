"""The annual assessment (賦課): everyone registered on 1月1日, their reports and declarations, computed in bulk
and stored as versioned rows (:class:`jichitai.tax.models.Assessment`)."""
