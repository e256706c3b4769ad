"""Attachments: checked by content and size, at most five, stored under server-generated
names, downloaded only through the permission check (PRODUCT.md 3.2, R2)."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from research_needs import services
from research_needs.models import ATTACHMENT_MAX_BYTES, Attachment
from tests.factories import AnswerFactory, NeedFactory, png_bytes

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def _pdf(name="Lastenheft.pdf", content=PDF):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def _jpeg():
    buffer = io.BytesIO()
    Image.new("RGB", (16, 16), "red").save(buffer, "JPEG")
    return SimpleUploadedFile("foto.jpg", buffer.getvalue(), content_type="image/jpeg")


def _upload(client, need, *files):
    return client.post(
        reverse("research_needs:attachment_add", args=[need.pk]), {"files": list(files)}
    )


def test_upload_pdf_png_jpeg_under_server_generated_names(client, owner, sme):
    need = NeedFactory(organisation=sme)
    client.force_login(owner)

    response = _upload(
        client,
        need,
        _pdf("../../etc/Lastenheft.pdf"),
        SimpleUploadedFile("bild.png", png_bytes(), content_type="image/png"),
        _jpeg(),
    )

    assert response.status_code == 302
    files = list(need.attachments.order_by("pk"))
    assert [f.content_type for f in files] == ["application/pdf", "image/png", "image/jpeg"]
    assert files[0].original_name == "Lastenheft.pdf"
    for stored in files:
        assert stored.file.name.startswith("needs/")
        assert "Lastenheft" not in stored.file.name and "bild" not in stored.file.name
        assert stored.file.storage.exists(stored.file.name)


@pytest.mark.parametrize(
    "upload",
    [
        pytest.param(
            SimpleUploadedFile(
                "angebot.pdf", b"<html><script>alert(1)</script></html>", "application/pdf"
            ),
            id="html-renamed-to-pdf",
        ),
        pytest.param(
            SimpleUploadedFile("bild.png", b"\x89PNG\r\n\x1a\n" + b"garbage" * 50, "image/png"),
            id="png-header-with-garbage",
        ),
        pytest.param(
            SimpleUploadedFile("foto.jpg", b"\xff\xd8\xff\xe0" + b"\x00" * 100, "image/jpeg"),
            id="jpeg-header-with-garbage",
        ),
        pytest.param(
            SimpleUploadedFile("halb.pdf", b"%PDF-1.4\nabgeschnitten", "application/pdf"),
            id="truncated-pdf",
        ),
        pytest.param(
            SimpleUploadedFile("leer.pdf", b"", "application/pdf"),
            id="empty",
        ),
        pytest.param(
            SimpleUploadedFile("tabelle.xlsx", b"PK\x03\x04" + b"x" * 100, "application/pdf"),
            id="zip",
        ),
    ],
)
def test_bad_files_are_refused_at_the_field(client, owner, sme, upload):
    need = NeedFactory(organisation=sme)
    client.force_login(owner)

    response = _upload(client, need, upload)

    assert response.status_code == 400
    assert response.context["form"].errors["files"]
    assert not Attachment.objects.exists()


def test_oversized_file_is_refused(client, owner, sme):
    need = NeedFactory(organisation=sme)
    client.force_login(owner)
    content = PDF[:-6] + b"x" * (ATTACHMENT_MAX_BYTES + 1 - len(PDF)) + b"%%EOF\n"
    assert len(content) == ATTACHMENT_MAX_BYTES + 1

    response = _upload(client, need, _pdf(content=content))

    assert response.status_code == 400
    assert "10 MB" in str(response.context["form"].errors["files"])
    assert not Attachment.objects.exists()


def test_exactly_ten_megabytes_is_accepted(owner, sme):
    need = NeedFactory(organisation=sme)
    content = PDF[:-6] + b"x" * (ATTACHMENT_MAX_BYTES - len(PDF)) + b"%%EOF\n"

    attachment = services.attachment_add(actor=owner, need=need, upload=_pdf(content=content))

    assert attachment.size == ATTACHMENT_MAX_BYTES


def test_sixth_file_is_refused(client, owner, sme):
    need = NeedFactory(organisation=sme)
    client.force_login(owner)
    assert _upload(client, need, *[_pdf(f"teil{i}.pdf") for i in range(5)]).status_code == 302

    response = _upload(client, need, _pdf("teil6.pdf"))

    assert response.status_code == 400
    assert response.context["form"].errors["files"]
    assert need.attachments.count() == 5


def test_six_files_at_once_on_the_need_form_are_refused(client, owner):
    from tests.research_needs.test_forms import _need_post

    client.force_login(owner)
    data = _need_post()
    data["files"] = [_pdf(f"teil{i}.pdf") for i in range(6)]

    response = client.post(reverse("research_needs:create"), data)

    assert response.status_code == 400
    assert response.context["form"].errors["files"]
    assert not Attachment.objects.exists()


def test_need_form_attaches_files(client, owner):
    from tests.research_needs.test_forms import _need_post

    client.force_login(owner)
    data = _need_post()
    data["files"] = [_pdf()]

    response = client.post(reverse("research_needs:create"), data)

    assert response.status_code == 302
    assert Attachment.objects.get().need.title == data["title"]


def test_service_refuses_a_sixth_file_and_strangers(owner, stranger, sme):
    need = NeedFactory(organisation=sme)
    for index in range(5):
        services.attachment_add(actor=owner, need=need, upload=_pdf(f"{index}.pdf"))
    from django.core.exceptions import PermissionDenied, ValidationError

    with pytest.raises(ValidationError):
        services.attachment_add(actor=owner, need=need, upload=_pdf())
    with pytest.raises(PermissionDenied):
        services.attachment_add(actor=stranger, need=NeedFactory(organisation=sme), upload=_pdf())


def test_answer_files_are_limited_to_five_too(researcher, institute, sme):
    answer = AnswerFactory(need=NeedFactory(organisation=sme), organisation=institute)
    for index in range(5):
        services.attachment_add(actor=researcher, answer=answer, upload=_pdf(f"{index}.pdf"))
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        services.attachment_add(actor=researcher, answer=answer, upload=_pdf())


# --- downloads ----------------------------------------------------------------------------


def _download(client, attachment):
    need_id = attachment.need_id or attachment.answer.need_id
    response = client.get(reverse("research_needs:attachment", args=[need_id, attachment.pk]))
    response.body = b"".join(response.streaming_content) if response.streaming else b""
    return response


def test_download_is_an_attachment_with_nosniff(client, owner, stranger, sme):
    need = NeedFactory(organisation=sme)
    attachment = services.attachment_add(actor=owner, need=need, upload=_pdf("Plan A.pdf"))
    client.force_login(stranger)

    response = _download(client, attachment)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "Plan A.pdf" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response.body == PDF


def test_download_of_a_public_need_file_is_hidden_from_visitors(client, owner, sme):
    need = NeedFactory(organisation=sme)
    attachment = services.attachment_add(actor=owner, need=need, upload=_pdf())

    assert _download(client, attachment).status_code == 404


def test_download_of_a_draft_file_only_for_its_organisation(
    client, owner, colleague, stranger, organiser_user, sme
):
    need = NeedFactory(organisation=sme, draft=True)
    attachment = services.attachment_add(actor=owner, need=need, upload=_pdf())

    client.force_login(stranger)
    assert _download(client, attachment).status_code == 404
    client.force_login(colleague)
    assert _download(client, attachment).status_code == 200
    client.force_login(organiser_user)
    assert _download(client, attachment).status_code == 200


def test_download_of_an_answer_file_only_for_the_two_organisations(
    client, owner, researcher, stranger, organiser_user, institute, sme
):
    answer = AnswerFactory(need=NeedFactory(organisation=sme), organisation=institute)
    attachment = services.attachment_add(actor=researcher, answer=answer, upload=_pdf())

    for user, status in [(stranger, 404), (owner, 200), (researcher, 200), (organiser_user, 200)]:
        client.force_login(user)
        assert _download(client, attachment).status_code == status, user


def test_download_under_another_needs_url_is_404(client, owner, stranger, sme):
    need = NeedFactory(organisation=sme)
    other = NeedFactory(organisation=sme)
    attachment = services.attachment_add(actor=owner, need=need, upload=_pdf())
    client.force_login(stranger)

    response = client.get(reverse("research_needs:attachment", args=[other.pk, attachment.pk]))

    assert response.status_code == 404


def test_remove_deletes_row_and_file(
    client, owner, stranger, sme, django_capture_on_commit_callbacks
):
    need = NeedFactory(organisation=sme)
    attachment = services.attachment_add(actor=owner, need=need, upload=_pdf())
    storage, name = attachment.file.storage, attachment.file.name
    url = reverse("research_needs:attachment_remove", args=[need.pk, attachment.pk])
    client.force_login(stranger)
    assert client.post(url).status_code == 404

    client.force_login(owner)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url)

    assert response.status_code == 302
    assert not Attachment.objects.exists()
    assert not storage.exists(name)


def test_files_of_a_rolled_back_submission_leave_no_trace(client, owner, settings, monkeypatch):
    from django.core.exceptions import ValidationError

    from tests.research_needs.test_forms import _need_post

    def refuse(**kwargs):
        raise ValidationError("Die Einreichung ist gerade nicht möglich.")

    monkeypatch.setattr(services, "need_submit", refuse)
    client.force_login(owner)
    data = _need_post(action="submit")
    data["files"] = [_pdf()]

    response = client.post(reverse("research_needs:create"), data)

    assert response.status_code == 400
    assert not Attachment.objects.exists()
    folder = settings.MEDIA_ROOT / "needs"
    assert not folder.exists() or not any(folder.iterdir())


# --- the pixel limit (forum.images): one rule for attachments and logos ------------------


@pytest.mark.parametrize(
    ("width", "height"),
    [
        pytest.param(20000, 20000, id="400MP-379KB-bomb"),
        pytest.param(12000, 12000, id="144MP"),
        pytest.param(8000, 5001, id="just-over-40MP"),
    ],
)
def test_image_with_too_many_pixels_is_refused_at_the_field(client, owner, sme, width, height):
    from tests.forum.test_bad_input import pixel_png

    need = NeedFactory(organisation=sme)
    client.force_login(owner)

    response = _upload(client, need, pixel_png(width, height))

    assert response.status_code == 400
    assert "40 Megapixel" in str(response.context["form"].errors["files"])
    assert not Attachment.objects.exists()


def test_answer_image_with_too_many_pixels_is_refused_at_the_field(
    client, researcher, institute, sme
):
    from tests.forum.test_bad_input import pixel_png

    answer = AnswerFactory(need=NeedFactory(organisation=sme), organisation=institute)
    client.force_login(researcher)

    response = client.post(
        reverse("research_needs:answer_attachment_add", args=[answer.pk]),
        {"files": [pixel_png(20000, 20000)]},
    )

    assert response.status_code == 400
    assert "40 Megapixel" in str(response.context["form"].errors["files"])
    assert not Attachment.objects.exists()


def test_scan_of_forty_megapixels_is_accepted(owner, sme):
    from tests.forum.test_bad_input import pixel_png

    need = NeedFactory(organisation=sme)

    attachment = services.attachment_add(actor=owner, need=need, upload=pixel_png(8000, 5000))

    assert attachment.content_type == "image/png"
