"""Form fields that apply ``portal.core.bounds``: every amount, rate, whole number and date field
of every form is one of these, so junk is a message next to its field and never a 500."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import DateField, DecimalField, IntegerField
from wtforms.validators import DataRequired, InputRequired, Optional, ValidationError

from portal.core import bounds
from portal.core.types import local_today

NUMBER_MESSAGES = {
    "not_a_number": _l("Enter a number, such as 5200.00."),
    "not_finite": _l("Enter an ordinary number, not infinity or NaN."),
    "too_many_places": _l("Too many decimal places."),
}
DATE_MESSAGE = _l("Enter a date as YYYY-MM-DD.")
WHOLE_MESSAGE = _l("Enter a whole number.")


class BoundedDecimalField(DecimalField):
    """A decimal that is finite, has at most ``places`` decimals and lies within the bounds."""

    def __init__(self, label: Any = None, validators: list | None = None, *, places: int = 2,
                 minimum: Decimal = Decimal(0), maximum: Decimal = bounds.MONEY_MAX, **kwargs: Any) -> None:
        super().__init__(label, validators, places=places, **kwargs)
        self.minimum, self.maximum = minimum, maximum

    def process_formdata(self, valuelist: list[str]) -> None:
        self.data = None
        if not valuelist or not valuelist[0].strip():
            self.raw_data = []  # blanks are no amount: InputRequired must see the field as empty
            return
        try:
            self.data = bounds.decimal_in_bounds(valuelist[0], places=self.places, minimum=self.minimum,
                                                 maximum=self.maximum)
        except bounds.OutOfBounds as error:
            raise ValueError(self._message(error.code)) from None

    def _message(self, code: str) -> str:
        if code == "too_small":
            return str(_l("At least %(minimum)s.", minimum=self.minimum))
        if code == "too_large":
            return str(_l("At most %(maximum)s.", maximum=f"{self.maximum:,}"))
        return str(NUMBER_MESSAGES[code])


def money_field(label: Any, required: bool = True, minimum: Decimal = Decimal(0), **kwargs: Any) -> BoundedDecimalField:
    """An amount in yuan that fits the ``Numeric(12, 2)`` columns."""
    presence = InputRequired(_l("Enter an amount in yuan, such as 5200.00.")) if required else Optional()
    return BoundedDecimalField(label, [presence], places=2, minimum=minimum, **kwargs)


class InRange:
    """A whole number within ``[minimum, maximum]``, with the bounds in the message."""

    def __init__(self, minimum: int, maximum: int, message: Any = None) -> None:
        self.minimum, self.maximum, self.message = minimum, maximum, message

    def __call__(self, form: Any, field: Any) -> None:
        if field.data is None:
            return
        try:
            bounds.whole_in_bounds(field.data, self.minimum, self.maximum)
        except bounds.OutOfBounds:
            raise ValidationError(str(self.message or _l("A whole number from %(minimum)d to %(maximum)d.",
                                                          minimum=self.minimum, maximum=self.maximum))) from None


def whole_field(label: Any, minimum: int = 0, maximum: int = bounds.MAX_WHOLE, required: bool = False,
                message: Any = None, **kwargs: Any) -> IntegerField:
    presence = InputRequired(WHOLE_MESSAGE) if required else Optional()
    return IntegerField(label, [presence, InRange(minimum, maximum, message)], **kwargs)


class InWindow:
    """A date within the plausible window for its field, relative to today in Shanghai."""

    def __init__(self, window: bounds.DateWindow) -> None:
        self.window = window

    def __call__(self, form: Any, field: Any) -> None:
        if field.data is None:
            return
        today = local_today()
        try:
            self.window.check(field.data, today)
        except bounds.OutOfBounds:
            earliest, latest = self.window.limits(today)
            raise ValidationError(str(_l("A date from %(earliest)s to %(latest)s.",
                                         earliest=earliest.isoformat(), latest=latest.isoformat()))) from None


def date_field(label: Any, window: bounds.DateWindow = bounds.EVENT_DATE, required: bool = False,
               message: Any = DATE_MESSAGE, **kwargs: Any) -> DateField:
    presence = DataRequired(message) if required else Optional()
    return DateField(label, [presence, InWindow(window)], **kwargs)
