"""jichitai: an open platform for a Japanese city's core records and the policy evidence they give."""

__version__ = "0.1.0"
