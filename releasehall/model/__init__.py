"""The hall's records and the pure rules on them: URLs, documents' validity, reply deadlines and figures, ranking."""
