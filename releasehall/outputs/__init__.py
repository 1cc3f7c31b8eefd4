"""Hall -> output families: HTML pages, feeds, open data, search, every family once per variant (the zh-Hant mirror), and the keys that decide what re-renders."""
