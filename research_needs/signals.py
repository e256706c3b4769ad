"""research_needs' receivers of signals from the apps below it (connected in ``ready()``)."""

from django.dispatch import receiver
from django.utils import timezone

from members.notifications import notify_answer_withdrawn
from members.permissions import is_member_of
from members.signals import organisation_deactivated

from .models import Answer, Need
from .notifications import need_owners
from .services import answer_withdraw, need_close


@receiver(organisation_deactivated, dispatch_uid="research_needs.organisation_deactivated")
def withdraw_answers_and_needs(sender, *, organisation, actor, **kwargs) -> dict:
    """An organisation nobody speaks for any more: its open answers are withdrawn (the needs'
    owners are told) and its own open needs closed as withdrawn, since nobody is left to
    read answers to them."""
    acting_member = is_member_of(actor, organisation)
    answers = []
    for original in (
        Answer.objects.filter(
            organisation=organisation,
            status__in=(Answer.Status.SUBMITTED, Answer.Status.SHORTLISTED),
        )
        .select_related("need", "need__organisation")
        .order_by("pk")
    ):
        if acting_member:
            answer = answer_withdraw(actor=actor, answer=original)
        else:  # an organiser closing an organisation nobody belongs to any more
            answer = original
            answer.status = Answer.Status.WITHDRAWN
            answer.decided_at = timezone.now()
            answer.save(update_fields=["status", "decided_at"])
        answer.need = original.need
        answers.append(answer)
        notify_answer_withdrawn(answer, recipients=need_owners(answer.need))
    needs = [
        need_close(actor=actor, need=need, reason=Need.CloseReason.WITHDRAWN)
        for need in Need.objects.filter(organisation=organisation)
        .exclude(status=Need.Status.CLOSED)
        .order_by("pk")
    ]
    return {"answers": answers, "needs": needs}
