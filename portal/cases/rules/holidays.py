"""Which days are not working days, so that a deadline falling on one moves to the next working day
(Civil Code Art. 203: "the day after the holiday is the last day"; Arts. 201–202 count the period).

A day is a rest day when it is a statutory public holiday, or a Saturday or Sunday that the State
Council's arrangement does not turn into a working day (调休). The holidays and adjusted working
days come from a maintained source per year; announcements not yet in the source come from HR as
overrides, which win. For a year the source does not cover, only weekends and overrides count, and
``covers`` says so, so the page can warn HR.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date


@dataclass(frozen=True)
class Override:
    day: date
    working: bool  # True: an adjusted working day; False: a public holiday
    name: str = ""


@dataclass(frozen=True)
class HolidayCalendar:
    """Rest days: ``day in calendar`` is True on a day no deadline can end on.

    ``holidays`` maps each statutory holiday to its name; ``workdays`` are the adjusted working days
    (weekend days worked); ``years`` are the years the source covers.
    """

    holidays: Mapping[date, str] = field(default_factory=dict)
    workdays: Mapping[date, str] = field(default_factory=dict)
    years: frozenset[int] = frozenset()
    overrides: Mapping[date, Override] = field(default_factory=dict)

    @classmethod
    def build(cls, holidays: Mapping[date, str], workdays: Mapping[date, str],
              overrides: Iterable[Override] = ()) -> HolidayCalendar:
        years = frozenset(d.year for d in holidays) | frozenset(d.year for d in workdays)
        return cls(dict(holidays), dict(workdays), years, {o.day: o for o in overrides})

    def __contains__(self, day: object) -> bool:
        if not isinstance(day, date):
            return False
        override = self.overrides.get(day)
        if override is not None:
            return not override.working
        if day in self.holidays:
            return True
        return day.weekday() >= 5 and day not in self.workdays

    def covers(self, year: int) -> bool:
        """Whether the State Council's arrangement of ``year`` is known (from the source or HR)."""
        return year in self.years or any(d.year == year for d in self.overrides)

    def reason(self, day: date) -> str:
        """Why ``day`` is a rest day: the holiday's name, or "weekend"."""
        override = self.overrides.get(day)
        if override is not None and not override.working:
            return override.name or "holiday"
        if day in self.holidays:
            return self.holidays[day]
        return "weekend"
