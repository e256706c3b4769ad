from datetime import date, timedelta

import pytest
from django.contrib.postgres.search import SearchQuery
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from research_needs.models import Answer, Need, add_months, default_deadline
from tests.factories import AnswerFactory, NeedFactory

pytestmark = pytest.mark.django_db


def _q(text):
    return SearchQuery(text, config="german")


def test_add_months_clamps_to_month_end():
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert add_months(date(2026, 8, 31), 6) == date(2027, 2, 28)
    assert add_months(date(2026, 11, 15), 12) == date(2027, 11, 15)


def test_default_deadline_is_six_months_ahead():
    assert default_deadline() == add_months(timezone.localdate(), 6)


def test_search_vector_is_kept_current_by_postgres():
    need = NeedFactory(title="Batteriegehäuse aus Aluminium", keywords=["Druckguss"])

    assert Need.objects.filter(pk=need.pk, search_vector=_q("Batteriegehäuse")).exists()
    assert Need.objects.filter(pk=need.pk, search_vector=_q("Druckguss")).exists()

    Need.objects.filter(pk=need.pk).update(title="Zinkstaub")

    assert not Need.objects.filter(pk=need.pk, search_vector=_q("Batteriegehäuse")).exists()
    assert Need.objects.filter(pk=need.pk, search_vector=_q("Zinkstaub")).exists()


def test_trl_target_below_now_is_refused_by_clean_and_database():
    need = NeedFactory.build(trl_now=5, trl_target=3)
    with pytest.raises(ValidationError) as raised:
        need.clean()
    assert "trl_target" in raised.value.message_dict

    need = NeedFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Need.objects.filter(pk=need.pk).update(trl_now=7, trl_target=2)


def test_closed_need_needs_a_reason_in_the_database():
    need = NeedFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Need.objects.filter(pk=need.pk).update(status="closed", closed_at=timezone.now())


def test_draft_deadline_must_lie_within_twelve_months():
    need = NeedFactory.build(status="draft", deadline=timezone.localdate() + timedelta(days=400))
    with pytest.raises(ValidationError) as raised:
        need.clean()
    assert "deadline" in raised.value.message_dict


def test_one_active_answer_per_organisation_and_need():
    answer = AnswerFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Answer.objects.create(
            need=answer.need,
            organisation=answer.organisation,
            approach="Noch einmal",
            cooperation_type="testing",
        )
    answer.status = "withdrawn"
    answer.save()

    again = Answer.objects.create(
        need=answer.need,
        organisation=answer.organisation,
        approach="Neu",
        cooperation_type="testing",
    )

    assert again.is_active


def test_declined_answer_needs_feedback_in_the_database():
    answer = AnswerFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Answer.objects.filter(pk=answer.pk).update(status="declined")
