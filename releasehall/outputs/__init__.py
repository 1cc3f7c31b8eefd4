"""Hall -> output families: HTML pages, feeds, open data, search, the zh-Hant mirror, and the keys that decide what re-renders."""
