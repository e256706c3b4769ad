"""Sets and checks the matching weights on a labelled data set (not part of `make bench`).

    python -m bench.matching_tune ../shared/matching/dev.json [--cache /tmp/prepared.pkl]

Prints the metrics with research_needs.matching.engine.DEFAULT_WEIGHTS, the weights
coordinate ascent finds on the whole set (in-sample), and leave-some-needs-out
cross-validation (weights tuned without the held-out needs, scored on them). Stemming
asks the configured PostgreSQL (read-only); ``--cache`` keeps the embeddings between runs.
"""

import argparse
import os
import pickle
import sys
from dataclasses import replace
from pathlib import Path


def _print(title: str, result: dict) -> None:
    print(title)
    for direction, groups in result.items():
        for group, row in groups.items():
            print(
                f"  {direction:<20} {group:<12} n={row['queries']:>3}  nDCG@10 {row['nDCG@10']:.3f}"
                f"  P@5 {row['P@5']:.3f}  R@10 {row['R@10']:.3f}  MRR {row['MRR']:.3f}"
            )


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("dataset")
    parser.add_argument("--cache")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--folds", type=int, default=2)
    parser.add_argument(
        "--tune",
        default="lexical,topics,cooperation,trl,kind",
        help="weights the cross-validation tunes; the others keep DEFAULT_WEIGHTS",
    )
    args = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "forum.settings")
    import django

    django.setup()
    from django.db import connection

    from research_needs.matching import evaluation
    from research_needs.matching.engine import DEFAULT_WEIGHTS, FEATURES, LEXICAL_ONLY

    dataset = evaluation.Dataset.load(args.dataset)
    if args.cache and Path(args.cache).exists():
        prepared = pickle.loads(Path(args.cache).read_bytes())
    else:
        with connection.cursor() as cursor:
            prepared = evaluation.prepare(dataset, cursor=cursor)
        if args.cache:
            Path(args.cache).write_bytes(pickle.dumps(prepared))
    labels = dataset.labels
    for name, weights in (("full-text only", LEXICAL_ONLY), ("DEFAULT_WEIGHTS", DEFAULT_WEIGHTS)):
        result = evaluation.evaluate_rankings(
            prepared, evaluation.rank_all(prepared, weights), labels
        )
        _print(f"{name}: {weights}", result)
    tuned, objective = evaluation.tune_weights(prepared, labels)
    print(f"tuned on all needs: {tuned} (mean nDCG@10 of both directions {objective:.3f})")
    tuned_names = set(args.tune.split(","))
    fixed = tuple(name for name in FEATURES if name not in tuned_names)
    start = replace(
        DEFAULT_WEIGHTS,
        **{name: evaluation.NEUTRAL_START.__dict__[name] for name in tuned_names},
    )
    print(f"cross-validation tunes {sorted(tuned_names)} from {start}")
    cv = evaluation.cross_validate(
        prepared,
        labels,
        reference=DEFAULT_WEIGHTS,
        folds=args.folds,
        repeats=args.repeats,
        start=start,
        fixed=fixed,
    )
    _print("in-sample (DEFAULT_WEIGHTS), on the held-out cuts:", cv["in-sample"])
    _print("cross-validated (weights tuned without the held-out needs):", cv["cross-validated"])
    for weights in cv["weights"]:
        print(f"  fold weights: {weights}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
