"""The counter UI of 住民記録 (Japanese pages): thin views over the registry's services and the service
functions of this package (:mod:`records`, :mod:`workflow`)."""
