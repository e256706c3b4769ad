import pytest
from django.core.exceptions import ImproperlyConfigured, ValidationError

from forum.privacy import registry
from members.models import Consent, User

from .conftest import make_user


@pytest.fixture
def extra_section():
    """Registers a section the way a later app would, and removes it afterwards."""
    erased = []

    def export(user):
        return [{"title": "Sortierung von Lithium-Ionen-Zellen", "owner": user.email}]

    def erase(user):
        erased.append(user.email)

    registry.register("test_needs", export=export, erase=erase, label="Test needs")
    yield erased
    registry.unregister("test_needs")


def test_register_extra_section_appears_in_export(extra_section, user):
    data = registry.export_user_data(user)

    assert data["test_needs"] == [
        {"title": "Sortierung von Lithium-Ionen-Zellen", "owner": user.email}
    ]
    assert "members" in data


def test_register_extra_section_eraser_runs_on_erase(extra_section, user):
    registry.erase_user(user)

    assert extra_section == ["katrin.berger@example.org"]
    assert not User.objects.filter(email="katrin.berger@example.org").exists()


def test_unregister_section_disappears_from_export(user):
    registry.register("temporary", export=lambda user: {})
    registry.unregister("temporary")

    assert "temporary" not in registry.export_user_data(user)


def test_register_taken_name_with_other_callables_is_refused(extra_section):
    with pytest.raises(ImproperlyConfigured):
        registry.register("test_needs", export=lambda user: [])


def test_register_reserved_name_is_refused():
    with pytest.raises(ImproperlyConfigured):
        registry.register("account", export=lambda user: {})


def test_erase_user_refusing_eraser_rolls_back_everything(user):
    Consent.objects.create(user=user, kind=Consent.Kind.MARKETING, given=True)

    def refuse(user):
        raise ValidationError("not now")

    # Runs after the members eraser, which has already deleted consents by then.
    registry.register("refuser", export=lambda user: {}, erase=refuse)
    try:
        with pytest.raises(ValidationError):
            registry.erase_user(user)
    finally:
        registry.unregister("refuser")

    assert User.objects.filter(pk=user.pk).exists()
    assert Consent.objects.filter(user=user).count() == 1
    assert user.memberships.exists()


def test_erase_user_last_admin_raises_translated_message(organisation):
    admin = make_user("admin@example.org", organisation=organisation, role="admin")
    make_user("member@example.org", organisation=organisation)

    with pytest.raises(ValidationError) as excinfo:
        registry.erase_user(admin)

    assert excinfo.value.code == "last_admin"
    assert organisation.name in excinfo.value.messages[0]
