"""Translated labels for the organisation's enumerations."""

from __future__ import annotations

from types import MappingProxyType

from flask_babel import lazy_gettext as _l

from portal.org.rules import ContractType, EmploymentStatus

CONTRACT_LABELS = MappingProxyType({
    ContractType.REGULAR: _l("Regular (open-ended)"),
    ContractType.FIXED_TERM: _l("Fixed-term"),
    ContractType.SHORT_TERM: _l("Short-term or probation"),
})

STATUS_LABELS = {
    EmploymentStatus.ACTIVE: _l("Active"),
    EmploymentStatus.LEFT: _l("Left"),
}

LOCALE_LABELS = {"zh_CN": "简体中文", "en": "English"}
