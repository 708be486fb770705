"""The Jinja2 environment: GOV.UK Frontend macros plus Django's url, static and CSRF helpers."""

from __future__ import annotations

from typing import Any

from django.contrib.messages import get_messages
from django.templatetags.static import static
from django.urls import reverse
from django.utils.timezone import localtime
from django.utils.translation import gettext, ngettext
from jinja2 import ChoiceLoader, Environment, PackageLoader, PrefixLoader


def url(name: str, *args: Any, **kwargs: Any) -> str:
    return reverse(name, args=args or None, kwargs=kwargs or None)


def environment(**options: Any) -> Environment:
    loader = options.pop("loader", None)
    # autoescape=True arrives in ``options`` from TEMPLATES in settings.
    env = Environment(  # noqa: S701
        loader=ChoiceLoader(
            [
                loader or PackageLoader("sochub", "templates"),
                PrefixLoader({"govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja")}),
            ]
        ),
        **options,
    )
    env.globals.update(static=static, url=url, get_messages=get_messages)
    # _(), gettext() and ngettext() through Django's translations (new style: "%(name)s" placeholders, escaped).
    env.add_extension("jinja2.ext.i18n")
    env.install_gettext_callables(gettext, ngettext, newstyle=True)  # type: ignore[attr-defined]
    env.filters["local"] = localtime
    return env
