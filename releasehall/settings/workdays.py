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
    _years: dict[int, list[int]] = field(init=False, default_factory=dict)  # year -> working days through each day
    unknown_years: set[int] = field(init=False, default_factory=set)

    def __post_init__(self) -> None:
        self._official = holidays.China()

    def is_workday(self, day: date) -> bool:
        self._note(day.year)
        return self._workday(day)

    def _note(self, year: int) -> None:
        """Remember a year the library has no official schedule for (the build warns once)."""
        if year not in known_years():
            self.unknown_years.add(year)

    def _workday(self, day: date) -> bool:
        cached = self._cache.get(day)
        if cached is not None:
            return cached
        if day in self.extra_workdays:
            result = True
        elif day in self.extra_holidays:
            result = False
        else:
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
        if end <= start:
            return 0
        for year in range((start + timedelta(days=1)).year, end.year + 1):
            self._note(year)
        total = 0
        for year in range(start.year, end.year + 1):
            low = self._through(start) if year == start.year else 0
            high = self._through(end) if year == end.year else self._through(date(year, 12, 31))
            total += high - low
        return total

    def _through(self, day: date) -> int:
        """Working days from 1 January of `day`'s year up to and including `day` (a table per year)."""
        table = self._years.get(day.year)
        if table is None:
            table, count, current = [], 0, date(day.year, 1, 1)
            while current.year == day.year:
                count += self._workday(current)
                table.append(count)
                current += timedelta(days=1)
            self._years[day.year] = table
        return table[day.timetuple().tm_yday - 1]
