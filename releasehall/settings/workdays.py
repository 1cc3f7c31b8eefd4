"""The official Chinese working-day calendar (the `holidays` package), extended by site.yaml.

Weekends and public holidays are off; make-up working days (调休) are on; site.yaml's
`calendar.holidays` and `calendar.workdays` override both.
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cache

import holidays
from holidays.countries.china import ChinaStaticHolidays


@cache
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
    # year -> (the ordinal of its 1 January, the working days from then through each day of the year)
    _years: dict[int, tuple[int, list[int]]] = field(init=False, default_factory=dict)
    unknown_years: set[int] = field(init=False, default_factory=set)

    def __post_init__(self) -> None:
        self._official = holidays.China()

    def is_workday(self, day: date) -> bool:
        self._note(day.year)
        return self._workday(day)

    def _note(self, year: int) -> None:
        """Remember a year the library has no official schedule for (the build warns once)."""
        if year not in known_years():  # a range: no search
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
        """The `count`-th working day strictly after `start`: looked up in the years' tables of working days, the
        years on the way noted as walking there day by day would."""
        if count <= 0:
            return start
        year = start.year
        wanted = self._through(start) + count  # working days from 1 January of `year` through the day looked for
        while True:
            first, table = self._table(year)
            if wanted <= table[-1]:
                day = date.fromordinal(first + bisect_left(table, wanted))
                break
            wanted -= table[-1]
            year += 1
        for noted in range((start + timedelta(days=1)).year, day.year + 1):
            self._note(noted)
        return day

    def workdays_between(self, start: date, end: date) -> int:
        """Working days after `start` up to and including `end` (0 when end <= start)."""
        if end <= start:
            return 0
        if start.year == end.year:  # most spans: one year, one table
            self._note(end.year)
            first, table = self._table(end.year)
            return table[end.toordinal() - first] - table[start.toordinal() - first]
        for year in range((start + timedelta(days=1)).year, end.year + 1):
            self._note(year)
        total = 0
        for year in range(start.year, end.year + 1):
            low = self._through(start) if year == start.year else 0
            high = self._through(end) if year == end.year else self._through(date(year, 12, 31))
            total += high - low
        return total

    def _through(self, day: date) -> int:
        """Working days from 1 January of `day`'s year up to and including `day`."""
        first, table = self._table(day.year)
        return table[day.toordinal() - first]

    def _table(self, year: int) -> tuple[int, list[int]]:
        """The ordinal of `year`'s 1 January and the working days from then through each day of the year."""
        known = self._years.get(year)
        if known is None:
            table, count, current = [], 0, date(year, 1, 1)
            while current.year == year:
                count += self._workday(current)
                table.append(count)
                current += timedelta(days=1)
            known = self._years[year] = (date(year, 1, 1).toordinal(), table)
        return known
