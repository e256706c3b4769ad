"""The matching engine (research_needs.matching) and ``manage.py matching_eval``, on small
records made here (never the development set's texts). The command loads the records into
a throwaway database, so its tests are transactional (it cannot run inside the test's
transaction)."""

import json
import math
import os

import numpy as np
import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from research_needs.matching import embeddings, evaluation, metrics, stored
from research_needs.matching.documents import NeedDoc, OrgDoc
from research_needs.matching.engine import (
    NeedIndex,
    OrgIndex,
    rank_needs_for_organisation,
    rank_organisations_for_need,
)
from research_needs.matching.lexical import Lexicon
from research_needs.matching.reasons import best_sentence, reason
from research_needs.matching.store import vectors_refresh
from research_needs.matching.text import stem_texts

# Metrics ------------------------------------------------------------------------------


def test_ndcg_perfect_ranking_is_one_and_uses_exponential_gain():
    grades = {"a": 3, "b": 1}
    assert metrics.ndcg_at(["a", "b", "c"], grades) == pytest.approx(1.0)
    # swapped: DCG = 1/log2(2) + 7/log2(3); ideal = 7 + 1/log2(3)
    expected = (1 + 7 / math.log2(3)) / (7 + 1 / math.log2(3))
    assert metrics.ndcg_at(["b", "a"], grades) == pytest.approx(expected)


def test_ndcg_only_counts_the_top_ten():
    ranking = [f"x{i}" for i in range(10)] + ["a"]
    assert metrics.ndcg_at(ranking, {"a": 2}) == 0.0


def test_precision_at_5_counts_grade_two_and_up_as_relevant():
    grades = {"a": 3, "b": 2, "c": 1}
    assert metrics.precision_at(["a", "c", "b", "d", "e"], grades, 5) == pytest.approx(2 / 5)


def test_recall_at_10_divides_by_all_relevant_items():
    grades = {"a": 2, "b": 3, "c": 2, "d": 1}
    ranking = ["a", "x"] + [f"y{i}" for i in range(8)] + ["b", "c"]
    assert metrics.recall_at(ranking, grades, 10) == pytest.approx(1 / 3)


def test_reciprocal_rank_is_that_of_the_first_relevant_item():
    grades = {"a": 1, "b": 2}
    assert metrics.reciprocal_rank(["a", "x", "b"], grades) == pytest.approx(1 / 3)
    assert metrics.reciprocal_rank(["a", "x"], grades) == 0.0


def test_evaluate_averages_over_queries_with_a_relevant_item_only():
    rankings = {"q1": ["a", "b"], "q2": ["c"], "q3": ["d"]}
    grades = {"q1": {"b": 2}, "q2": {"c": 3}, "q3": {"d": 1}}
    result = metrics.evaluate(rankings, grades)
    assert result["queries"] == 2
    assert result["MRR"] == pytest.approx((1 / 2 + 1) / 2)


# A small synthetic data set --------------------------------------------------------------


def _org(key, kind, competences, topics, cooperation, trl=(3, 7), languages=("de",)):
    return {
        "key": key,
        "name": f"Organisation {key}",
        "kind": kind,
        "city": "Goslar",
        "federal_state": "NI",
        "description": f"Wir sind {key} aus dem Harz.",
        "competences": competences,
        "keywords": [],
        "topics": topics,
        "cooperation_types": cooperation,
        "trl_min": trl[0],
        "trl_max": trl[1],
        "languages": list(languages),
    }


def _need(key, organisation, title, summary, topics, kinds=("research",), language="de"):
    return {
        "key": key,
        "organisation": organisation,
        "language": language,
        "title": title,
        "summary": summary,
        "description": summary,
        "challenge_types": ["new_technology"],
        "topics": topics,
        "keywords": [],
        "trl_now": 3,
        "trl_target": 6,
        "cooperation_types": ["contract_research"],
        "partner_kinds": list(kinds),
        "budget_band": "not_stated",
    }


DATA = {
    "version": 1,
    "organisations": [
        _org(
            "o-gips",
            "research",
            "Rückgewinnung von Calciumsulfat aus Bauabfällen. Wir trennen Gips von Beton.",
            ["mechanical-processing"],
            ["contract_research", "testing"],
        ),
        _org(
            "o-akku",
            "research",
            "Recycling von Lithium-Ionen-Batterien durch Laugung der Schwarzmasse.",
            ["battery-recycling", "hydrometallurgy"],
            ["funded_project"],
        ),
        _org(
            "o-firma",
            "company",
            "Wir sammeln und sortieren Elektronikschrott und Leiterplatten.",
            ["weee", "logistics"],
            ["contract_research"],
        ),
        _org(
            "o-lab",
            "research",
            "Chemical analysis of slags and filter dusts by X-ray fluorescence.",
            ["slags-residues"],
            ["testing"],
            languages=("en", "de"),
        ),
    ],
    "needs": [
        _need(
            "n-gips",
            "o-firma",
            "Gipsreste aus dem Rückbau wieder loswerden",
            "Beim Abbruch fallen Gipsplatten an, die wir verwerten möchten.",
            ["mechanical-processing"],
        ),
        _need(
            "n-akku",
            "o-firma",
            "Recovering lithium from spent batteries",
            "We look for a partner to leach black mass from used battery cells.",
            ["battery-recycling"],
            language="en",
        ),
        _need(
            "n-schlacke",
            "o-gips",
            "Schlacken analysieren",
            "Wir brauchen eine Röntgenfluoreszenzanalyse unserer Schlacken.",
            ["slags-residues"],
            kinds=("research", "company"),
        ),
    ],
    "labels": [
        {"need": "n-gips", "organisation": "o-gips", "grade": 3},
        {"need": "n-akku", "organisation": "o-akku", "grade": 2},
        {"need": "n-schlacke", "organisation": "o-lab", "grade": 3},
    ],
}


_PREPARED = {}


@pytest.fixture
def prepared(db):
    """Stemmed and embedded once per run (stemming only reads; the records never change)."""
    if "data" not in _PREPARED:
        with connection.cursor() as cursor:
            _PREPARED["data"] = evaluation.prepare(
                evaluation.Dataset.from_json(DATA), cursor=cursor
            )
    return _PREPARED["data"]


def _rank_for_need(prepared, key, **options):
    needs = prepared.need_index
    row = needs.row[key]
    return rank_organisations_for_need(
        needs.docs[row], needs.vectors[row], needs.terms[row], prepared.org_index, **options
    )


def _rank_for_org(prepared, key, **options):
    orgs = prepared.org_index
    row = orgs.row[key]
    return rank_needs_for_organisation(
        orgs.docs[row], orgs.vectors[row], orgs.terms[row], prepared.need_index, **options
    )


# Command -----------------------------------------------------------------------------


def _databases() -> set[str]:
    """This process's throwaway databases (others' test runs share the server)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT datname FROM pg_database WHERE datname LIKE %s",
            [f"{stored.DATABASE_PREFIX}_{os.getpid()}_%"],
        )
        return {name for (name,) in cursor.fetchall()}


def _rows() -> dict[str, int]:
    from members.models import CompetenceProfile, Organisation
    from research_needs.models import Need, NeedVector, OrganisationVector

    models = (Organisation, CompetenceProfile, Need, NeedVector, OrganisationVector)
    return {model.__name__: model.objects.count() for model in models}


def test_matching_eval_writes_rankings_and_prints_metrics_with_baseline(
    transactional_db, tmp_path, capsys
):
    dataset = tmp_path / "set.json"
    dataset.write_text(json.dumps(DATA), encoding="utf-8")
    output = tmp_path / "rankings.json"
    tables = connection.introspection.table_names()
    rows = _rows()

    call_command("matching_eval", str(dataset), "--output", str(output))

    # Nothing left behind: no database, no table, no row in the configured database.
    assert connection.introspection.table_names() == tables
    assert _databases() == set()
    assert _rows() == rows
    rankings = json.loads(output.read_text(encoding="utf-8"))
    assert set(rankings) == {"needs", "organisations"}
    assert set(rankings["needs"]) == {"n-gips", "n-akku", "n-schlacke"}
    assert set(rankings["organisations"]) == {"o-gips", "o-akku", "o-firma", "o-lab"}
    assert rankings["needs"]["n-gips"][0] == "o-gips"
    assert rankings["needs"]["n-akku"][0] == "o-akku"
    assert rankings["needs"]["n-schlacke"][0] == "o-lab"
    for ranked in [*rankings["needs"].values(), *rankings["organisations"].values()]:
        assert len(ranked) == len(set(ranked)) <= 20
    out = capsys.readouterr().out
    for text in ("nDCG@10", "P@5", "R@10", "MRR", "full-text", "low overlap", "need→organisation"):
        assert text in out
    assert "organisation→need" in out


def test_matching_eval_runs_without_labels(transactional_db, tmp_path, capsys):
    unlabelled = {k: v for k, v in DATA.items() if k != "labels"}
    dataset = tmp_path / "set.json"
    dataset.write_text(json.dumps(unlabelled), encoding="utf-8")
    output = tmp_path / "rankings.json"

    call_command("matching_eval", str(dataset), "--output", str(output))

    rankings = json.loads(output.read_text(encoding="utf-8"))
    assert len(rankings["needs"]) == 3 and len(rankings["organisations"]) == 4
    out = capsys.readouterr().out
    assert "no labels" in out and "nDCG@10" not in out


def test_matching_eval_refuses_to_run_inside_a_transaction(db, tmp_path):
    dataset = tmp_path / "set.json"
    dataset.write_text(json.dumps(DATA), encoding="utf-8")
    with pytest.raises(CommandError, match="transaction"):
        call_command("matching_eval", str(dataset))

    assert _databases() == set()


def test_stored_rows_and_selectors_rank_as_the_engine_in_memory(prepared):
    """The pages' path (rows in the database, the selectors) and the in-memory path the
    weights were tuned with give the same rankings, once both filter partner kinds."""
    loaded = stored.load(evaluation.Dataset.from_json(DATA))
    vectors_refresh()

    from_rows = stored.rank(loaded)

    assert from_rows == evaluation.rank_all(prepared, only_partner_kinds=True)


def test_matching_eval_refuses_a_file_that_is_no_data_set(db, tmp_path):
    dataset = tmp_path / "set.json"
    dataset.write_text("[1, 2]", encoding="utf-8")
    with pytest.raises(CommandError):
        call_command("matching_eval", str(dataset))
    with pytest.raises(CommandError):
        call_command("matching_eval", str(tmp_path / "missing.json"))


# Engine ------------------------------------------------------------------------------


def test_a_need_is_never_recommended_its_own_organisation(prepared):
    for need in prepared.need_index.docs:
        keys = [m.key for m in _rank_for_need(prepared, need.key, limit=None)]
        assert need.organisation not in keys
        assert len(keys) == 3
    own = {n.key for n in prepared.need_index.docs if n.organisation == "o-firma"}
    keys = [m.key for m in _rank_for_org(prepared, "o-firma", limit=None)]
    assert keys == ["n-schlacke"] and not own & set(keys)


def test_partner_kind_filter_keeps_only_kinds_the_need_asks_for(prepared):
    unfiltered = [m.key for m in _rank_for_need(prepared, "n-akku", limit=None)]
    assert "o-firma" not in unfiltered  # its own organisation
    filtered = _rank_for_need(prepared, "n-schlacke", limit=None, only_partner_kinds=True)
    assert {m.key for m in filtered} == {"o-akku", "o-firma", "o-lab"}
    research_only = _rank_for_need(prepared, "n-gips", limit=None, only_partner_kinds=True)
    assert {m.key for m in research_only} == {"o-gips", "o-akku", "o-lab"}
    needs = _rank_for_org(prepared, "o-firma", limit=None, only_partner_kinds=True)
    assert [m.key for m in needs] == ["n-schlacke"]  # the only one asking for companies
    assert _rank_for_org(prepared, "o-firma", limit=None, exclude={"n-schlacke"}) == []


def test_results_carry_the_features_and_are_sorted_by_score(prepared):
    matches = _rank_for_need(prepared, "n-gips", limit=2)
    assert len(matches) == 2
    assert matches[0].score >= matches[1].score
    assert set(matches[0].features) == {
        "embedding",
        "lexical",
        "topics",
        "cooperation",
        "trl",
        "kind",
    }


def test_german_need_matches_a_profile_in_other_words_better_than_an_unrelated_one(db):
    """The issue's example: no shared word, one German, one English profile."""
    need = NeedDoc(
        key="n",
        organisation="x",
        title="Gipsreste aus dem Rückbau wieder loswerden",
        topics=("mechanical-processing",),
    )
    profiles = [
        OrgDoc(
            key="gips-de",
            competences="Rückgewinnung von Calciumsulfat aus Bauabfällen",
            topics=("mechanical-processing",),
        ),
        OrgDoc(
            key="gips-en",
            competences="Recovery of calcium sulphate from construction and demolition waste",
            topics=("mechanical-processing",),
        ),
        OrgDoc(
            key="unrelated",
            competences="Ladestationen für Elektroautos und Photovoltaik auf Dächern",
            topics=("mechanical-processing",),
        ),
    ]
    with connection.cursor() as cursor:
        counts = stem_texts(
            [need.lexical_text()] + [p.lexical_text() for p in profiles],
            ["de", "de", "en", "de"],
            cursor=cursor,
        )
    lexicon = Lexicon.from_documents(counts)
    index = OrgIndex(
        profiles,
        embeddings.embed_organisations(profiles),
        [lexicon.vector(c) for c in counts[1:]],
    )
    matches = rank_organisations_for_need(
        need, embeddings.embed_needs([need])[0], lexicon.vector(counts[0]), index, limit=None
    )
    scores = {m.key: m.score for m in matches}
    assert scores["gips-de"] > scores["unrelated"]
    assert scores["gips-en"] > scores["unrelated"]


def test_vectors_round_trip_through_bytes():
    vector = embeddings.embed_needs([NeedDoc(key="n", organisation="o", title="Schlacke")])[0]
    assert vector.shape == (embeddings.DIMENSIONS,)
    assert np.linalg.norm(vector) == pytest.approx(1.0, abs=1e-3)
    assert np.array_equal(embeddings.from_bytes(embeddings.to_bytes(vector)), vector)


def test_vectors_stored_as_bytea_rank_as_before(prepared):
    """The storage path that works on PostgreSQL with and without pgvector: bytea."""
    vectors = prepared.org_index.vectors
    with connection.cursor() as cursor:
        cursor.execute("CREATE TEMPORARY TABLE matching_vectors (row int, vector bytea)")
        cursor.executemany(
            "INSERT INTO matching_vectors VALUES (%s, %s)",
            [(i, embeddings.to_bytes(v)) for i, v in enumerate(vectors)],
        )
        cursor.execute("SELECT vector FROM matching_vectors ORDER BY row")
        loaded = np.stack([embeddings.from_bytes(bytes(v)) for (v,) in cursor.fetchall()])
        cursor.execute("DROP TABLE matching_vectors")
    assert np.array_equal(loaded, vectors)


def test_indexes_refuse_vectors_that_do_not_fit_the_records():
    with pytest.raises(ValueError):
        NeedIndex([NeedDoc(key="n", organisation="o")], np.zeros((2, 4)), [{}])


# Reasons -----------------------------------------------------------------------------


def test_reason_quotes_the_closest_sentence_trl_and_cooperation_in_german(prepared):
    orgs = prepared.org_index
    row = orgs.row["o-gips"]
    need_row = prepared.need_index.row["n-gips"]
    sentence = best_sentence(
        prepared.need_index.vectors[need_row], orgs.sentences[row], orgs.sentence_vectors[row]
    )
    need, org = prepared.need_index.docs[need_row], orgs.docs[row]

    assert sentence in orgs.sentences[row]
    assert reason(need, org, language="de", sentence=sentence) == (
        f"{sentence.rstrip('.')}; TRL 3–7; bietet Auftragsforschung an"  # noqa: RUF001
    )
    assert reason(need, org, language="de", sentence=orgs.sentences[row][0]) == (
        "Rückgewinnung von Calciumsulfat aus Bauabfällen; TRL 3–7; bietet Auftragsforschung an"  # noqa: RUF001
    )


def test_reason_in_english_for_the_organisation_reading_a_need():
    need = NeedDoc(
        key="n",
        organisation="x",
        trl_now=4,
        trl_target=6,
        cooperation_types=("testing", "contract_research"),
    )
    org = OrgDoc(key="o", cooperation_types=("testing", "contract_research"))

    text = reason(need, org, language="en", sentence="We analyse slags.", for_organisation=True)

    expected = "We analyse slags; TRL 4–6; seeks testing and lab analysis, contract research"  # noqa: RUF001
    assert text == expected
    assert reason(need, OrgDoc(key="o", trl_min=5, trl_max=5), language="en") == "TRL 5"
