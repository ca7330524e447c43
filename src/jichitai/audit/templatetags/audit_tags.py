"""The access log's codes in words on a page (``{% load audit_tags %}``): see ``audit.labels``."""

from __future__ import annotations

from django import template

from jichitai.audit import labels

register = template.Library()
register.filter("audit_action", labels.action_label)
register.filter("audit_resource", labels.resource_label)
register.filter("audit_outcome", labels.outcome_label)
