import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from forum.organisers import ORGANISERS_GROUP

PASSWORD = "correct horse battery staple 42"


@pytest.fixture
def make_user(db):
    def make(email="member@example.org", **extra):
        user = get_user_model().objects.create_user(email=email, password=PASSWORD, **extra)
        EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
        return user

    return make


@pytest.fixture
def organiser(make_user):
    user = make_user("organiser@rewimet.example", is_staff=True)
    user.groups.add(Group.objects.get(name=ORGANISERS_GROUP))
    return user
