"""The official Chinese working-day calendar (the `holidays` package), extended by site.yaml.

Weekends and public holidays are off; make-up working days (调休) are on; site.yaml's
`calendar.holidays` and `calendar.workdays` override both.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

import holidays
from holidays.countries.china import ChinaStaticHolidays


def known_years() -> range:
    """Years for which the library carries the State Council's official schedule."""
    years = ChinaStaticHolidays.special_public_holidays
    return range(min(years), max(years) + 1)


@dataclass(slots=True)
class WorkCalendar:
    extra_holidays: frozenset[date] = frozenset()
    extra_workdays: frozenset[date] = frozenset()
    _official: holidays.HolidayBase = field(init=False)
    _cache: dict[date, bool] = field(init=False, default_factory=dict)
    unknown_years: set[int] = field(init=False, default_factory=set)

    def __post_init__(self) -> None:
        self._official = holidays.China()

    def is_workday(self, day: date) -> bool:
        cached = self._cache.get(day)
        if cached is not None:
            return cached
        if day in self.extra_workdays:
            result = True
        elif day in self.extra_holidays:
            result = False
        else:
            if day.year not in known_years():
                self.unknown_years.add(day.year)
            official_holiday = day in self._official  # also loads the year's make-up days
            if day in self._official.weekend_workdays:
                result = True
            else:
                result = day.weekday() < 5 and not official_holiday
        self._cache[day] = result
        return result

    def add_workdays(self, start: date, count: int) -> date:
        """The `count`-th working day strictly after `start`."""
        day = start
        while count > 0:
            day += timedelta(days=1)
            if self.is_workday(day):
                count -= 1
        return day

    def workdays_between(self, start: date, end: date) -> int:
        """Working days after `start` up to and including `end` (0 when end <= start)."""
        count = 0
        day = start
        while day < end:
            day += timedelta(days=1)
            if self.is_workday(day):
                count += 1
        return count
