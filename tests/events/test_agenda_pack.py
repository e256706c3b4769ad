"""The agendas of all meeting participants (issue 14): one agenda PDF per person, made in
parallel processes (or one after another where a process may not have children), and the
organisers' ZIP of them, built by a task and served to organisers only."""

from __future__ import annotations

import gc
import io
import multiprocessing
import threading
import zipfile

import billiard
import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from events import agenda_pack, tasks
from events.models_meetings import MeetingParticipant, MeetingSettings
from events.services import agenda_pack_request
from events.services import meetings as services
from tests.events.test_meetings import meeting_event, opted_in
from tests.factories import EventFactory, RegistrationFactory, UserFactory, organiser

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def _person(event, first, last, language="de"):
    user = UserFactory(first_name=first, last_name=last)
    RegistrationFactory(
        event=event, user=user, email=user.email, name=f"{first} {last}", language=language
    )
    return user


def _meet(event, a, b):
    recipient = MeetingParticipant.objects.get(event=event, registration__user=b)
    request = services.meeting_request_send(event=event, actor=a, recipient=recipient, message="")
    return services.meeting_answer(request=request, actor=b, accept=True)


@pytest.fixture
def world():
    """Anna (German) meets Ben (English); Carla (German) meets Anna; Dieter is registered but
    not opted in to meetings."""
    event = meeting_event(slots=3, places=2)
    anna = _person(event, "Anna", "Adler")
    ben = _person(event, "Ben", "Baker", language="en")
    carla = _person(event, "Carla", "Crämer")
    dieter = _person(event, "Dieter", "Dorn")
    for person in (anna, ben, carla):
        opted_in(event, person)
    _meet(event, anna, ben)
    _meet(event, carla, anna)
    return {"event": event, "anna": anna, "ben": ben, "carla": carla, "dieter": dieter}


def _text(data: bytes) -> str:
    assert data.startswith(b"%PDF")
    pages = PdfReader(io.BytesIO(data)).pages
    assert len(pages) == 1
    return " ".join(pages[0].extract_text().split())


def _check_agendas(pdfs, w):
    people = [w["anna"], w["ben"], w["carla"]]
    assert set(pdfs) == {person.pk for person in people}
    anna, ben, carla = (_text(pdfs[person.pk]) for person in people)
    assert "Anna Adler" in anna and "Ben Baker" in anna and "Carla Crämer" in anna
    assert "Mein Programm" in anna and "2 Treffen" in anna
    assert "Ben Baker" in ben and "Anna Adler" in ben and "Carla" not in ben
    assert "My programme" in ben and "1 meeting" in ben
    assert "Carla Crämer" in carla and "Anna Adler" in carla and "Ben" not in carla
    assert "Mein Programm" in carla


def test_the_parallel_builder_makes_one_agenda_per_person_in_their_language(world):
    people = [world["anna"], world["ben"], world["carla"]]
    assert agenda_pack.pool_size(len(people), 2) == 2

    _check_agendas(agenda_pack.agenda_pdfs(world["event"], people, workers=2), world)


def test_the_pool_leaves_the_garbage_collector_of_the_caller_as_it_was(world):
    """The objects the children inherit are frozen only for the fork."""
    people = [world["anna"], world["ben"], world["carla"]]

    pdfs = agenda_pack.agenda_pdfs(world["event"], people, workers=2)

    assert gc.isenabled() and gc.get_freeze_count() == 0
    _check_agendas(pdfs, world)


def test_a_child_collects_once_after_each_page(world):
    html = agenda_pack.agenda_htmls(world["event"], [world["ben"]])[world["ben"].pk]
    gc.collect()

    data = agenda_pack._render_in_child(html)

    young = gc.get_count()[0]  # the page's objects are gone; the collector is on again
    assert gc.isenabled() and young < 100, young
    text = _text(data)
    assert "Ben Baker" in text and "My programme" in text and "Carla" not in text


def test_one_after_another_gives_the_same_agendas(world):
    people = [world["anna"], world["ben"], world["carla"]]
    assert agenda_pack.pool_size(len(people), 1) == 1

    _check_agendas(agenda_pack.agenda_pdfs(world["event"], people, workers=1), world)


def _render_in_daemon(htmls, results):
    results.put((agenda_pack.pool_size(len(htmls), 2), agenda_pack.render_all(htmls, workers=2)))


@pytest.mark.parametrize("processes", ["multiprocessing", "billiard"])
def test_a_daemonic_process_still_renders_in_parallel(world, processes):
    """A Celery prefork worker's processes (billiard's) are daemonic, and multiprocessing
    refuses them children; billiard's pool does not."""
    htmls = list(agenda_pack.agenda_htmls(world["event"], [world["anna"], world["ben"]]).values())
    module = billiard if processes == "billiard" else multiprocessing
    context = module.get_context("fork")
    results = context.Queue()
    child = context.Process(target=_render_in_daemon, args=(htmls, results), daemon=True)
    child.start()
    size, pdfs = results.get(timeout=120)
    child.join(timeout=30)

    assert size == 2
    assert "Anna Adler" in _text(pdfs[0]) and "Ben Baker" in _text(pdfs[1])


def test_with_other_threads_running_the_pdfs_are_made_in_the_process(world):
    """Forking a process that runs other threads could leave a lock locked in the child."""
    htmls = list(agenda_pack.agenda_htmls(world["event"], [world["anna"], world["ben"]]).values())
    assert threading.active_count() == 1  # the pools of the tests before are gone
    out = {}

    def run():
        out["size"] = agenda_pack.pool_size(2, 2)
        out["pdfs"] = agenda_pack.render_all(htmls, workers=2)

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(timeout=120)

    assert out["size"] == 1
    assert "Anna Adler" in _text(out["pdfs"][0]) and "Ben Baker" in _text(out["pdfs"][1])


def test_the_task_stores_a_zip_with_one_agenda_per_participant(world):
    event = world["event"]

    name = tasks.build_agenda_pack(event.pk)

    settings = MeetingSettings.objects.get(event=event)
    assert settings.agendas_zip.name == name and settings.agendas_zip_built_at is not None
    with settings.agendas_zip.open("rb") as handle, zipfile.ZipFile(handle) as archive:
        names = sorted(archive.namelist())
        expected = sorted(
            f"{stem}-{world[key].pk}.pdf"
            for stem, key in (
                ("anna-adler", "anna"),
                ("ben-baker", "ben"),
                ("carla-cramer", "carla"),
            )
        )
        assert names == expected  # Dieter did not opt in
        assert "Ben Baker" in _text(archive.read(f"ben-baker-{world['ben'].pk}.pdf"))


def test_a_new_build_replaces_the_old_file(world, media, django_capture_on_commit_callbacks):
    first = tasks.build_agenda_pack(world["event"].pk)
    with django_capture_on_commit_callbacks(execute=True):
        second = tasks.build_agenda_pack(world["event"].pk)

    assert first != second
    assert (media / second).exists() and not (media / first).exists()


def test_tasks_of_a_deleted_event_or_one_without_meetings_end_quietly():
    event = EventFactory()
    assert tasks.build_agenda_pack(event.pk) is None
    pk = event.pk
    event.delete()
    assert tasks.build_agenda_pack(pk) is None


def test_organisers_build_and_download_the_zip_from_the_figures_page(
    client, world, django_capture_on_commit_callbacks
):
    event = world["event"]
    client.force_login(organiser())
    figures = reverse("events:meeting_figures", args=[event.slug])
    download = reverse("events:agenda_pack_download", args=[event.slug])
    assert client.get(download).status_code == 404  # not built yet
    page = client.get(figures).content.decode()
    assert reverse("events:agenda_pack_build", args=[event.slug]) in page
    assert download not in page

    with django_capture_on_commit_callbacks(execute=True):  # no Redis: the task runs at once
        response = client.post(reverse("events:agenda_pack_build", args=[event.slug]))

    assert response.status_code == 302 and response["Location"] == figures
    page = client.get(figures).content.decode()
    assert download in page
    response = client.get(download)
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    assert f"{event.slug}-agendas.zip" in response["Content-Disposition"]
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    assert len(archive.namelist()) == 3


def test_only_organisers_build_or_download(client, world):
    event = world["event"]
    tasks.build_agenda_pack(event.pk)
    build = reverse("events:agenda_pack_build", args=[event.slug])
    download = reverse("events:agenda_pack_download", args=[event.slug])

    assert client.get(download).status_code == 302  # visitors: the login
    assert client.post(build).status_code == 302
    for user in (world["anna"], UserFactory()):
        client.force_login(user)
        assert client.get(download).status_code == 404
        assert client.post(build).status_code == 404
    assert MeetingSettings.objects.get(event=event).agendas_zip_queued_at is None


def test_bad_requests_are_refused(client):
    event = EventFactory()  # no meetings
    client.force_login(organiser())
    assert client.post(reverse("events:agenda_pack_build", args=[event.slug])).status_code == 404
    assert client.get(reverse("events:agenda_pack_download", args=[event.slug])).status_code == 404
    assert (
        client.post(reverse("events:agenda_pack_build", args=["no-such-event"])).status_code == 404
    )
    event = meeting_event()
    assert client.get(reverse("events:agenda_pack_build", args=[event.slug])).status_code == 405


def test_a_double_click_queues_one_build(client, world, django_capture_on_commit_callbacks):
    event = world["event"]
    client.force_login(organiser())
    url = reverse("events:agenda_pack_build", args=[event.slug])

    with django_capture_on_commit_callbacks() as callbacks:
        client.post(url)
        second = client.post(url, follow=True)

    assert len(callbacks) == 1
    assert "bereits erstellt" in second.content.decode()
    callbacks[0]()  # the build runs; afterwards a new click builds again
    settings = MeetingSettings.objects.get(event=event)
    assert settings.agendas_zip and settings.agendas_zip_queued_at is None
    again = organiser()  # made first: saving a user has on-commit work of its own
    with django_capture_on_commit_callbacks() as callbacks:
        assert agenda_pack_request(event=event, actor=again) is True
    assert len(callbacks) == 1


def test_a_failed_build_lets_the_organisers_ask_again(world, monkeypatch):
    event = world["event"]
    MeetingSettings.objects.filter(event=event).update(agendas_zip_queued_at=timezone.now())

    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(agenda_pack, "pack_bytes", broken)
    with pytest.raises(OSError):
        tasks.build_agenda_pack(event.pk)

    assert MeetingSettings.objects.get(event=event).agendas_zip_queued_at is None


def test_the_task_forks_only_in_a_real_worker(world, monkeypatch):
    """Run eagerly (no Redis: inside a web request) or called directly, the build must not
    fork: the calling process may run threads whose locks a child would inherit held."""
    seen = []

    def spy(event, *, workers=None):
        seen.append(workers)

    monkeypatch.setattr(agenda_pack, "pack_build", spy)

    tasks.build_agenda_pack(world["event"].pk)  # directly
    tasks.build_agenda_pack.apply(args=[world["event"].pk])  # eagerly

    assert seen == [1, 1]
