"""Identity: what a name, a file and a folder mean, decided in one place.

* :mod:`.titles`: title keys and the one title comparison (:func:`~.titles.match_title`).
* :mod:`.episodes`: the one episode parser (:func:`~.episodes.read_episodes`) and which of a
  show's episodes a reading covers (:func:`~.episodes.episodes_named`).
* :mod:`.video`: the one list of video extensions (:func:`~.video.is_video`), extras folders,
  and bonus-material words in release names.

The release rules, the release parser, the scanner, the guard's on-disk check and the importer
use these and nothing else to decide what a name is. Pure functions of strings: this package
imports nothing from the rest of the project.
"""
