"""Sections that other parts of the portal add to an employee's evidence pack.

The evidence package knows content by hash and kind only, so it cannot compute what, say, an
injury case's account holds. A higher package registers a provider at app start; for one
employee the provider returns sections: named files, which the pack binds into its signed
manifest like its own files, and an HTML fragment for the report. The pack never looks inside.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from flask import Flask, current_app
from markupsafe import Markup

EXTENSION_KEY = "evidence_pack_sections"


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
