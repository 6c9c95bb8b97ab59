"""Torznab indexers (Jackett, Prowlarr).

- :mod:`.torznab`: :class:`TorznabClient` (caps, ``search_target``, ``recent``, ``resolve``),
  :func:`build_query`, :func:`parse_caps`, :func:`parse_feed`.
- :mod:`.health`: the :class:`IndexerError` family, :class:`IndexerHealth`,
  :class:`BackoffPolicy`, :func:`indexer_health`, :func:`health_of`, :func:`all_indexer_health`,
  :func:`reset_health`.
- :mod:`.pacing`: how often each indexer is asked, kept in the database for every process on the
  library: its gap and ``Retry-After`` (:func:`reserve`, :func:`settle`, :func:`hold`), its
  ``requests_per_hour`` (:func:`budget_left`), its feeds' ``rss_interval`` (:func:`claim_feeds`).
- :mod:`.search`: :func:`search_target`, :func:`search_with_config` -> :class:`SearchOutcome`;
  :func:`judge` (decide + rank a list of releases); :func:`format_outcome` (plain text) and
  :func:`outcome_to_dict` (JSON) for ``mydia-tui search``.
"""
