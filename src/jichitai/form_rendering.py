"""The form renderer (settings.FORM_RENDERER): Django's widget templates in their Jinja2 version, with Django's
template engine behind for templates that exist only for it (the admin's widgets).

A counter form has hundreds of <option>s (the 続柄 choices of every member of a household), each an
``{% include %}`` under Django's template engine: that rendering was the largest CPU cost of a counter cycle
(bench/counter_cpu.py). Jinja2 renders the same HTML (whitespace aside) for a fraction of it. Our own widget
templates live under an app's ``jinja2/`` folder."""

from __future__ import annotations

from typing import Any

from django.forms.renderers import DjangoTemplates, Jinja2
from django.template import TemplateDoesNotExist


class FormRenderer(Jinja2):
    fallback = DjangoTemplates()

    def get_template(self, template_name: str) -> Any:
        try:
            return super().get_template(template_name)
        except TemplateDoesNotExist:  # admin/widgets/…: written for Django's engine only
            return self.fallback.get_template(template_name)
