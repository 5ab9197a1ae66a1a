"""Locale and time-zone selection, and the language switcher."""

from __future__ import annotations

from functools import cached_property, lru_cache

from babel import Locale, support
from flask import Flask, current_app, has_app_context, request, session
from flask_babel import Babel, Domain, get_locale
from flask_login import current_user

from portal import PROJECT_ROOT

SESSION_KEY = "locale"


class CatalogDomain(Domain):
    """Loads catalogs by the portal's locale codes.

    Babel spells zh_CN as ``zh_Hans_CN`` and would look for ``translations/zh_Hans_CN``; the
    catalogs live under the codes in ``LANGUAGES`` (``translations/zh_CN``).
    """

    def get_translations(self) -> support.NullTranslations:
        if not has_app_context():
            return support.NullTranslations()
        directory = current_app.config["BABEL_TRANSLATION_DIRECTORIES"]
        key = (directory, locale_code(), self.domain[0])
        if key not in self.cache:
            self.cache[key] = support.Translations.load(directory, [key[1]], self.domain[0])
        return self.cache[key]


class PortalBabel(Babel):
    @cached_property
    def domain_instance(self) -> Domain:
        return CatalogDomain(domain=self.domain)


babel = PortalBabel()


def select_locale() -> str:
    """The signed-in user's preference, then the switcher's choice, then Accept-Language, then zh_CN."""
    languages = current_app.config["LANGUAGES"]
    if current_user and current_user.is_authenticated and current_user.employee is not None:
        preferred = current_user.employee.preferred_locale
        if preferred in languages:
            return preferred
    chosen = session.get(SESSION_KEY)
    if chosen in languages:
        return chosen
    return request.accept_languages.best_match(languages) or current_app.config["BABEL_DEFAULT_LOCALE"]


def locale_code() -> str:
    """The active locale as one of ``LANGUAGES`` (Babel spells zh_CN as zh_Hans_CN)."""
    active = get_locale()
    config = current_app.config
    return _code_of(str(active) if active is not None else "", tuple(config["LANGUAGES"]),
                    config["BABEL_DEFAULT_LOCALE"])


@lru_cache(maxsize=16)
def _code_of(active: str, languages: tuple[str, ...], default: str) -> str:
    """Remembered: every gettext call of a page asks, and comparing Babel locales is not cheap."""
    for code in languages:
        if active and Locale.parse(code) == Locale.parse(active):
            return code
    return default


def init_app(app: Flask) -> None:
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", str(PROJECT_ROOT / "translations"))
    babel.init_app(app, locale_selector=select_locale)
