"""Locale and time-zone selection, and the language switcher."""

from __future__ import annotations

from functools import cached_property, lru_cache
from types import SimpleNamespace
from typing import Any

from babel import Locale, support
from flask import Flask, current_app, has_request_context, request, session
from flask.globals import _cv_app
from flask_babel import Babel, Domain, get_locale, get_timezone
from jinja2 import pass_eval_context
from jinja2.nodes import EvalContext
from markupsafe import Markup

from portal import PROJECT_ROOT
from portal.web.signed_in import request_user

SESSION_KEY = "locale"
_NO_TRANSLATIONS = support.NullTranslations()


class CatalogDomain(Domain):
    """Loads catalogs by the portal's locale codes.

    Babel spells zh_CN as ``zh_Hans_CN`` and would look for ``translations/zh_Hans_CN``; the
    catalogs live under the codes in ``LANGUAGES`` (``translations/zh_CN``).
    """

    def get_translations(self) -> support.NullTranslations:
        return translations()

    def catalog(self, directory: str, code: str) -> support.NullTranslations:
        key = (directory, code, self.domain[0])
        if key not in self.cache:
            self.cache[key] = support.Translations.load(directory, [code], self.domain[0])
        return self.cache[key]


class PortalBabel(Babel):
    @cached_property
    def domain_instance(self) -> Domain:
        return CatalogDomain(domain=self.domain)


babel = PortalBabel()


def select_locale() -> Locale:
    """The signed-in user's preference, then the switcher's choice, then Accept-Language, then zh_CN."""
    return _parsed(_selected_code())


def _selected_code() -> str:
    languages = current_app.config["LANGUAGES"]
    user = request_user()
    if user and user.is_authenticated and user.employee is not None:
        preferred = user.employee.preferred_locale
        if preferred in languages:
            return preferred
    chosen = session.get(SESSION_KEY)
    if chosen in languages:
        return chosen
    return request.accept_languages.best_match(languages) or current_app.config["BABEL_DEFAULT_LOCALE"]


@lru_cache(maxsize=16)
def _parsed(code: str) -> Locale:
    """Babel's locale for ``code``, parsed once (flask-babel takes a ``Locale`` as it is)."""
    return Locale.parse(code)


def _active() -> tuple[str, support.NullTranslations] | None:
    """The active locale's code and catalog, worked out once per request and locale.

    Every text of a page asks; this reads flask-babel's per-request namespace through the app
    context directly instead of the ``g`` proxy, and keys the answer on the locale object itself, so
    ``force_locale`` and ``refresh`` (which replace that object) are honoured.
    """
    app_context = _cv_app.get(None)
    if app_context is None:
        return None
    namespace: SimpleNamespace = app_context.g.__dict__.setdefault("_flask_babel", SimpleNamespace())
    locale = getattr(namespace, "babel_locale", None)
    config = app_context.app.config
    if locale is None and has_request_context():  # what flask-babel's ``get_locale`` does, without its proxies
        code = _selected_code()
        locale = namespace.babel_locale = _parsed(code)
    else:
        if locale is None:
            locale = get_locale()
        cached = getattr(namespace, "portal_catalog", None)
        if cached is not None and cached[0] is locale:
            return cached[1]
        code = _code_of(str(locale), tuple(config["LANGUAGES"]), config["BABEL_DEFAULT_LOCALE"])
    active = (code, babel.domain_instance.catalog(config["BABEL_TRANSLATION_DIRECTORIES"], code))
    namespace.portal_catalog = (locale, active)
    return active


def format_key() -> tuple[str, Any]:
    """The active locale's code and time zone: what a formatted date or time depends on. Read from
    flask-babel's per-request namespace directly (a table's cells ask for each date), keyed on the
    code, not Babel's locale object (each request parses its own, and comparing two is slow)."""
    app_context = _cv_app.get(None)
    namespace = None if app_context is None else app_context.g.__dict__.get("_flask_babel")
    zone = getattr(namespace, "babel_tzinfo", None)
    return locale_code(), zone if zone is not None else get_timezone()


def translations() -> support.NullTranslations:
    active = _active()
    return _NO_TRANSLATIONS if active is None else active[1]


def locale_code() -> str:
    """The active locale as one of ``LANGUAGES`` (Babel spells zh_CN as zh_Hans_CN)."""
    active = _active()
    return current_app.config["BABEL_DEFAULT_LOCALE"] if active is None else active[0]


@lru_cache(maxsize=16)
def _code_of(active: str, languages: tuple[str, ...], default: str) -> str:
    """Remembered: comparing Babel locales is not cheap."""
    for code in languages:
        if active and Locale.parse(code) == Locale.parse(active):
            return code
    return default


@pass_eval_context
def _template_gettext(eval_context: EvalContext, text: str, **variables: Any) -> str:
    """``_()``/``gettext()`` in templates, as Jinja's new-style gettext does it (escaped
    variables, always formatted) without its two extra indirections per text."""
    translated = translations().ugettext(text)
    if eval_context.autoescape:
        translated = Markup(translated)
    return translated % variables


@pass_eval_context
def _template_ngettext(eval_context: EvalContext, singular: str, plural: str, num: int, **variables: Any) -> str:
    variables.setdefault("num", num)
    translated = translations().ungettext(singular, plural, num)
    if eval_context.autoescape:
        translated = Markup(translated)
    return translated % variables


def init_app(app: Flask) -> None:
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", str(PROJECT_ROOT / "translations"))
    babel.init_app(app, locale_selector=select_locale)
    app.jinja_env.install_gettext_callables(
        gettext=lambda text: translations().ugettext(text),
        ngettext=lambda singular, plural, num: translations().ungettext(singular, plural, num),
        pgettext=lambda context, text: translations().upgettext(context, text),
        npgettext=lambda context, singular, plural, num: translations().unpgettext(context, singular, plural, num),
        newstyle=True,
    )
    app.jinja_env.globals.update(_=_template_gettext, gettext=_template_gettext, ngettext=_template_ngettext)
