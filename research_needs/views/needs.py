"""Needs: the list and search, a need's page, posting, editing and managing a need, and an
organisation's own needs and answers ("mine").

Thin views: parse, check permission (404 for what a user may not see), call a selector or
a service (forum.shortcuts.run_service), render. Invalid forms answer 400 with the user's
input kept (forum.middleware turns a TemplateResponse with a bound invalid form into a
400)."""

from __future__ import annotations

from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.forms import Select
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from forum import generations
from forum.notifications.services import notification_mark_read_for
from forum.once import submit_once
from forum.shortcuts import render_page, run_service
from members.permissions import is_organiser, membership_of

from .. import cache as list_cache
from .. import permissions, selectors, services
from ..forms import AttachmentForm, CloseForm, ExtendForm, NeedForm, NeedSearchForm
from ..matching.selectors import is_matched, recommend_organisations_for_need
from ..models import Need
from .common import FILES, GET, GET_POST, contacts, form_page, owned_need

PAGE_SIZE = 20
SUBMITTED = gettext_lazy("Your research need has been submitted. An organiser will review it soon.")


# --- List and detail ----------------------------------------------------------------------


@require_http_methods(GET)
def need_list(request):
    """The list and search. Visitors without pending messages get the page from the cache
    (research_needs/cache.py, P3); members get the page rendered for them around the list's
    content, which is kept per viewer state (_member_list, issue 17)."""
    if request.user.is_authenticated:
        return _member_list(request)
    if len(messages.get_messages(request)):
        return _need_list(request)[0]
    try:
        key = list_cache.page_key(request, get_language())
        html, generation = list_cache.get_page(key) if key else (None, None)
    except Exception:  # the cache is down: render as usual
        key = html = None
    if html is not None:
        return HttpResponse(html)
    response, cacheable = _need_list(request)
    if key and cacheable:
        response.add_post_render_callback(partial(_store_list, request, key, generation))
    return response


def _member_list(request):
    """Members get the list's content from the cache when someone who may see the same
    needs the same way (same organisation, organiser or not, may post or not) asked for it
    with the same query and language since the last change (issue 17); the page around it
    (their name, notifications, the logout form's CSRF token) is rendered for them."""
    user = request.user
    organisation = permissions.organisation_of(user)
    key = generations.fragment_key(
        "needs-list",
        get_language(),
        organisation.pk if organisation else 0,
        is_organiser(user),
        permissions.can_create_need(user),
        query=request.GET,
    )
    html, stamp = generations.lookup(key, [list_cache.GENERATION]) if key else (None, None)
    if html is not None:
        return TemplateResponse(
            request,
            "research_needs/need_list.html",
            {"body": mark_safe(html)},  # noqa: S308 (stored by us)
        )
    response, cacheable = _need_list(request)
    if key and cacheable:
        generations.store(key, stamp, response.context_data["body"], list_cache.LIST_TIMEOUT)
    return response


def _cards(needs, search_query: str) -> list[str]:
    """The need cards of a page, each kept per need, language, search words and whether
    the poster is shown (the only thing on a card that depends on the viewer): a search
    still runs its queries, but renders only the cards not seen since the last change."""
    needs = list(needs)
    language = get_language()
    keys = [
        generations.fragment_key("need-card", language, n.pk, n.poster_revealed, search_query)
        for n in needs
    ]
    kept, stamp = generations.lookup_many(keys, [list_cache.GENERATION])
    # Organisations and topics only for the cards rendered now: none for a page of kept
    # cards, two queries fewer (issue 17).
    selectors.prefetch_for_cards([n for n, key in zip(needs, keys, strict=True) if key not in kept])
    cards, fresh = [], {}
    for need, key in zip(needs, keys, strict=True):
        html = kept.get(key)
        if html is None:
            html = render_to_string(
                "research_needs/_need_card.html", {"need": need, "search_query": search_query}
            )
            fresh[key] = html
        cards.append(mark_safe(html))  # noqa: S308 (our own template's output)
    generations.store_many(fresh, stamp, list_cache.LIST_TIMEOUT)
    return cards


def _filter_form(request, context, *, cacheable: bool) -> str:
    """The search form, kept per language and the form's own parameters (not the page)
    while the topics (its choices) stay; rendered anew when it shows an error."""
    form = context["search_form"]
    query = request.GET.copy()
    for name in list(query):
        if name not in form.fields:
            query.pop(name)
    key = generations.fragment_key("need-filter", get_language(), query=query)
    if not cacheable or key is None:
        return mark_safe(render_to_string("research_needs/_need_filter.html", context))  # noqa: S308
    html, stamp = generations.lookup(key, [list_cache.GENERATION])
    if html is None:
        html = render_to_string("research_needs/_need_filter.html", context)
        generations.store(key, stamp, html, list_cache.LIST_TIMEOUT)
    return mark_safe(html)  # noqa: S308 (our own template's output)


def _store_list(request, key, generation, response) -> None:
    content = response.content
    # Nothing personal may go into the shared page: no CSRF token, no cookie it set.
    if request.META.get("CSRF_COOKIE_NEEDS_UPDATE") or b"csrfmiddlewaretoken" in content:
        return
    list_cache.store_page(key, generation, content.decode(response.charset))


def _style_search_form(form) -> None:
    """Bootstrap classes on the widgets, so the template renders the fields with plain
    markup (research_needs/_search_field.html) instead of crispy forms, which cost about half
    of the page's rendering. Django adds aria-invalid and aria-describedby itself."""
    for name, field in form.fields.items():
        base = "form-select" if isinstance(field.widget, Select) else "form-control"
        field.widget.attrs["class"] = f"{base} is-invalid" if name in form.errors else base


def _need_list(request):
    """The rendered list and whether it may be shared (no field error, answered with 200)."""
    form = NeedSearchForm(request.GET or None)
    filters = {}
    if form.is_bound:
        # A filter that cannot be understood (a stale topic link, a made-up value) shows its
        # error at the field and answers 400 (house rule); the understood ones still apply.
        form.is_valid()
        filters = {
            key: value
            for key, value in form.cleaned_data.items()
            if key not in form.errors and value not in (None, "")
        }
    _style_search_form(form)
    sort = filters.pop("sort", "relevance")
    needs = selectors.search_needs(request.user, sort=sort, **filters)
    if filters.get("q"):
        # A search: the hits' ids in one query, then the rows of this page
        # (selectors.hit_ids); a common word ranks only its newest hits (issue 17).
        newest_only = sort == "relevance" and selectors.many_hits(needs)
        ids = selectors.hit_ids(needs, newest_only=newest_only, cap=selectors.CappedPaginator.cap)
        paginator = selectors.CappedPaginator(ids, PAGE_SIZE)
        page = paginator.get_page(request.GET.get("page"))
        page.object_list = selectors.needs_by_ids(request.user, list(page.object_list))
    else:
        # Browsing: the capped count and the page, each through an index.
        paginator = selectors.CappedPaginator(needs, PAGE_SIZE)
        page = paginator.get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "search_form": form,
        "page_obj": page,
        "needs": page.object_list,
        "paginator": paginator,
        "query_string": query.urlencode(),
        "is_filtered": bool(filters),
        # Open the filter panel when a filter (not just the search box) is in use, or
        # when one of them has an error to show.
        "has_filters": bool(set(filters) - {"q"}) or bool(set(form.errors) - {"q"}),
        "searched": bool(filters.get("q")),
        "search_query": filters.get("q", ""),
        "can_create": permissions.can_create_need(request.user),
    }
    search_query = filters.get("q", "")
    context["cards"] = _cards(page.object_list, search_query)
    context["filter_html"] = _filter_form(request, context, cacheable=not form.errors)
    # The content is rendered on its own (no context processors: nothing per user but
    # what the key of the member's cache holds) so that it can be kept (_member_list).
    body = render_to_string(
        "research_needs/_need_list_body.html",
        {**context, "user": request.user, "request": request},
    )
    context["body"] = mark_safe(body)  # noqa: S308 (our own template's output)
    response = TemplateResponse(request, "research_needs/need_list.html", context)
    return response, not form.errors


@require_http_methods(GET)
def need_detail(request, pk):
    need = selectors.need_for_viewer(request.user, pk)
    user = request.user
    full = permissions.can_see_full_need(user, need)
    is_owner = permissions.is_owner(user, need)
    answers = list(selectors.answers_for_need(need, user)) if user.is_authenticated else []
    my_org = permissions.organisation_of(user)
    my_answer = next(
        (a for a in answers if my_org and a.organisation_id == my_org.pk and a.is_active), None
    )
    my_past_answers = [
        a for a in answers if my_org and a.organisation_id == my_org.pk and not a.is_active
    ]
    accepted_contacts = [
        (answer, contacts(need, answer))
        for answer in answers
        if permissions.can_see_contacts(user, answer)
    ]
    can_attach = permissions.can_attach_to_need(user, need)
    notification_mark_read_for(actor=user, obj=need)
    partners = _partners(request, need) if permissions.can_manage_need(user, need) else None
    return TemplateResponse(
        request,
        "research_needs/need_detail.html",
        {
            "need": need,
            "full": full,
            "poster_revealed": need.poster_revealed,  # permissions.poster_shown
            "attachments": list(need.attachments.all()) if full else [],
            "is_owner": is_owner,
            "can_edit": permissions.can_edit_need(user, need),
            "can_manage": permissions.can_manage_need(user, need),
            "can_close": permissions.can_close_need(user, need),
            "can_attach": can_attach,
            "can_answer": permissions.can_answer(user, need) and my_answer is None,
            "answers": answers if permissions.can_see_all_answers(user, need) else [],
            "my_answer": my_answer,
            "my_past_answers": my_past_answers,
            "accepted_contacts": accepted_contacts,
            "attachment_form": AttachmentForm() if can_attach else None,
            "partners": partners,
        },
    )


def _partners(request, need):
    """Partners that fit (issue 13): the need's ten best organisations with their reasons,
    for its organisation and organisers only (the selector returns nothing to anyone else,
    so an anonymous need's poster is never shown with them), each with its introduction
    so far or the form to propose one."""
    matched = is_matched(need)  # else nothing to rank from yet
    matches = (
        recommend_organisations_for_need(need, viewer=request.user, language=request.LANGUAGE_CODE)
        if matched
        else []
    )
    introductions = selectors.introductions_for_need(need) if matches else {}
    return {
        "rows": [(match, introductions.get(match.organisation.pk)) for match in matches],
        "matched": matched,
        "can_propose": permissions.can_propose_introduction(request.user, need),
    }


# --- Create and edit ----------------------------------------------------------------------


@login_required
@require_http_methods(GET_POST)
@submit_once
def need_create(request):
    user = request.user
    membership = membership_of(user)
    if not permissions.can_create_need(user):
        if membership is None:
            messages.info(
                request, _("To post a research need, create or join an organisation first.")
            )
        else:  # issue 11: an organisation waiting for approval
            messages.info(request, _(services.NOT_APPROVED))
        return redirect("members:onboarding")
    choose = membership is None  # an organiser without an organisation of their own
    form = NeedForm(
        request.POST or None,
        request.FILES or None,
        organisation=membership.organisation if membership else None,
        choose_organisation=choose,
        initial={"contact_person": user.pk if membership else None},
    )
    if request.method == "POST" and form.is_valid():
        submit = request.POST.get("action") == "submit"
        ok, need = run_service(
            request,
            services.need_create,
            form=form,
            aliases=FILES,
            success=SUBMITTED if submit else _("Your draft has been saved."),
            actor=user,
            organisation=form.cleaned_data.get("organisation") if choose else None,
            topics=form.cleaned_data["topics"],
            contact_person=form.cleaned_data["contact_person"],
            files=form.cleaned_data["files"],
            submit=submit,
            **form.need_fields(),
        )
        if ok:
            return redirect(need)
    return render_page(request, "research_needs/need_form.html", {"form": form, "need": None})


def _saved(need: Need) -> str:
    if need.status == Need.Status.SUBMITTED:
        return _("Your changes are saved. The need stays submitted for review.")
    return _("Your draft has been saved.")


@login_required
@require_http_methods(GET_POST)
def need_edit(request, pk):
    need = owned_need(request, pk)
    if not permissions.can_edit_need(request.user, need):
        messages.info(request, _("Only needs not yet published can be changed."))
        return redirect(need)
    form = NeedForm(
        request.POST or None,
        request.FILES or None,
        organisation=need.organisation,
        need=need,
    )
    if request.method == "POST" and form.is_valid():
        submit = request.POST.get("action") == "submit"
        ok, _need = run_service(
            request,
            services.need_update,
            form=form,
            aliases=FILES,
            success=SUBMITTED if submit else _saved,
            actor=request.user,
            need=need,
            topics=form.cleaned_data["topics"],
            contact_person=form.cleaned_data["contact_person"],
            files=form.cleaned_data["files"],
            submit=submit,
            **form.need_fields(),
        )
        if ok:
            return redirect(need)
    return render_page(
        request,
        "research_needs/need_form.html",
        {"form": form, "need": need, "attachments": list(need.attachments.all())},
    )


@login_required
@require_POST
def need_submit(request, pk):
    need = owned_need(request, pk)
    run_service(request, services.need_submit, success=SUBMITTED, actor=request.user, need=need)
    return redirect(need)


@login_required
@require_http_methods(GET_POST)
def need_close(request, pk):
    need = owned_need(request, pk)
    if not permissions.can_close_need(request.user, need):
        return redirect(need)
    return form_page(
        request,
        CloseForm(request.POST or None, need=need),
        "research_needs/need_close.html",
        {"need": need},
        service=services.need_close,
        fields=["reason"],
        success=_("The research need has been closed."),
        done=need,
        actor=request.user,
        need=need,
    )


@login_required
@require_http_methods(GET_POST)
def need_extend(request, pk):
    need = owned_need(request, pk)
    if not need.can_be_extended:
        messages.info(request, _("This research need cannot be extended."))
        return redirect(need)
    return form_page(
        request,
        ExtendForm(request.POST or None, need=need),
        "research_needs/need_extend.html",
        {"need": need},
        service=services.need_extend,
        fields=["deadline"],
        success=_("The answer deadline has been extended."),
        done=need,
        actor=request.user,
        need=need,
    )


# --- Mine ---------------------------------------------------------------------------------


@login_required
@require_http_methods(GET)
def mine(request):
    membership = membership_of(request.user)
    if membership is None:
        messages.info(
            request, _("To post or answer research needs, create or join an organisation first.")
        )
        return redirect("members:onboarding")
    organisation = membership.organisation
    return TemplateResponse(
        request,
        "research_needs/mine.html",
        {
            "organisation": organisation,
            "needs": selectors.organisation_needs(organisation),
            "answers": selectors.organisation_answers(organisation),
        },
    )
