"""Releases: what indexers offer, what a name says, and whether it is what we want.

- :mod:`.release`: :class:`Release` (frozen), :func:`clean_text`.
- :mod:`.parse`: :func:`parse_name` / :func:`parse_names` -> :class:`ParsedRelease`
  (fast path + guessit, cached in memory and in the ``parsed_name`` table). The library
  scanner uses it for file and folder names too.
- Titles, episode numbers and video files: :mod:`mydia_tui.identity` (one place for what a
  name means, shared with the scanner, the guard and the importer).
- :mod:`.quality`: :data:`QUALITIES`, :func:`quality_of`, :data:`BUILTIN_PROFILES`,
  :func:`resolve_profile`.
- :mod:`.decide`: :class:`Policy`, :class:`Decision`, :func:`decide`, :data:`RULES`,
  :data:`REASON_CODES`.
- :mod:`.rank`: :func:`rank`, :func:`score`.
"""
