"""Sections and words that other parts of the portal add to an employee's evidence pack.

The evidence package knows content by hash and kind only, so it cannot compute what, say, an
injury case's account holds. A higher package registers a provider at app start; for one
employee the provider returns sections: named files, which the pack binds into its signed
manifest like its own files, and an HTML fragment for the report. The pack never looks inside.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date

from flask import Flask, current_app
from flask_babel import force_locale
from markupsafe import Markup

EXTENSION_KEY = "evidence_pack_sections"
WORDS_KEY = "evidence_pack_value_words"


@dataclass(frozen=True)
class PackSection:
    """One section: its bilingual title, its files (name in the pack -> bytes) and its part of the report."""

    title_zh: str
    title_en: str
    files: dict[str, bytes] = field(default_factory=dict)
    report_html: Markup = Markup("")


SectionProvider = Callable[[int, date], list[PackSection]]  # (employee id, today) -> sections


def register_section_provider(app: Flask, provider: SectionProvider) -> None:
    """Add ``provider`` to ``app``'s packs (once, however often the app is set up)."""
    providers = app.extensions.setdefault(EXTENSION_KEY, [])
    if provider not in providers:
        providers.append(provider)


def pack_sections(employee_id: int, today: date) -> list[PackSection]:
    """Every registered provider's sections for one employee, in registration order; a section's
    file may not take a name another already took."""
    sections = [s for provider in current_app.extensions.get(EXTENSION_KEY, []) for s in provider(employee_id, today)]
    names = [name for s in sections for name in s.files]
    if len(names) != len(set(names)):
        raise ValueError("two pack sections name the same file")
    return sections


# Words for the codes a higher package writes into event payloads (an action's kind, a step, a
# deduction's source): code -> (Chinese, English). Called when a pack is built, in its locale context.
ValueWords = Callable[[], Mapping[str, tuple[str, str]]]


def register_value_words(app: Flask, words: ValueWords) -> None:
    providers = app.extensions.setdefault(WORDS_KEY, [])
    if words not in providers:
        providers.append(words)


def value_words() -> dict[str, tuple[str, str]]:
    return {code: pair for words in current_app.extensions.get(WORDS_KEY, []) for code, pair in words().items()}


def in_both_languages(labels: Mapping[str, object]) -> dict[str, tuple[str, str]]:
    """Translated labels (code -> lazy text) as the pack's word pairs (code -> (Chinese, English))."""
    pairs: dict[str, list[str]] = {code: [] for code in labels}
    for locale in ("zh_CN", "en"):
        with force_locale(locale):
            for code, label in labels.items():
                pairs[code].append(str(label))
    return {code: (zh, en) for code, (zh, en) in pairs.items()}
