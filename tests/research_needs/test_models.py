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


def test_demo_seed_is_idempotent_and_fills_the_list(client):
    import io

    from django.urls import reverse

    from members import demo as members_demo
    from research_needs import demo
    from research_needs.models import Conversation, Message

    members_demo.seed(scale=1, stdout=io.StringIO())
    demo.seed(scale=1, stdout=io.StringIO())
    counts = [Need.objects.count(), Answer.objects.count(), Message.objects.count()]
    snapshot = list(Need.objects.order_by("pk").values_list("pk", "status", "updated_at"))

    demo.seed(scale=1, stdout=io.StringIO())

    assert [Need.objects.count(), Answer.objects.count(), Message.objects.count()] == counts
    assert list(Need.objects.order_by("pk").values_list("pk", "status", "updated_at")) == snapshot
    assert counts[0] == 25
    assert set(Need.objects.values_list("status", flat=True)) == {
        "draft",
        "submitted",
        "published",
        "closed",
    }
    assert set(Need.objects.values_list("visibility", flat=True)) == {
        "public",
        "members",
        "anonymous",
    }
    assert set(Answer.objects.values_list("status", flat=True)) == {
        "submitted",
        "shortlisted",
        "accepted",
        "declined",
        "withdrawn",
    }
    assert Conversation.objects.count() == Answer.objects.count()
    visitor_list = client.get(reverse("research_needs:list"))
    assert visitor_list.context["paginator"].count >= 10
    found = client.get(reverse("research_needs:list"), {"q": "Batterien"})
    titles = {need.title for need in found.context["needs"]}
    assert "Batteriegehäuse aus Aluminium sortenrein zurückgewinnen" in titles
    assert any("Lithium-Ionen-Batterien" in title for title in titles)


def test_demo_seed_scale_makes_more_needs():
    import io

    from members import demo as members_demo
    from research_needs import demo

    members_demo.seed(scale=1, stdout=io.StringIO())
    demo.seed(scale=2, stdout=io.StringIO())

    assert Need.objects.count() == 50
