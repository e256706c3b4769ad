"""``manage.py createadmin --email …``: the first superuser, able to log in at once.

Django's ``createsuperuser`` creates the user but not allauth's EmailAddress; with mandatory
address confirmation (settings ACCOUNT_EMAIL_VERIFICATION) that user cannot log in until a
confirmation mail arrives, which needs working SMTP. This command records the address as
verified and primary, in the same transaction as the user.
"""

import getpass
import os

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model, password_validation
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_email
from django.db import transaction

PASSWORD_VARIABLE = "DJANGO_SUPERUSER_PASSWORD"


class Command(BaseCommand):
    help = (
        "Creates a superuser whose email address counts as confirmed, so the first admin can "
        f"log in before mail works. Asks for the password, or reads {PASSWORD_VARIABLE} "
        "with --noinput."
    )

    def add_arguments(self, parser):
        parser.add_argument("--email", required=True, help="Login address of the admin.")
        parser.add_argument(
            "--noinput",
            "--no-input",
            action="store_false",
            dest="interactive",
            help=f"Do not prompt; take the password from {PASSWORD_VARIABLE}.",
        )

    def handle(self, *args, email, interactive, **options):
        User = get_user_model()
        email = User.objects.normalize_email(email).strip().lower()
        try:
            validate_email(email)
        except ValidationError as error:
            raise CommandError(f"{email!r} is not a valid email address.") from error
        if User.objects.filter(email__iexact=email).exists():
            raise CommandError(f"A user with the address {email} exists already.")

        password = self._password(interactive)
        user = User(email=email, is_staff=True, is_superuser=True)
        try:
            password_validation.validate_password(password, user)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error

        with transaction.atomic():
            user = User.objects.create_superuser(email=email, password=password)
            EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
        self.stdout.write(
            self.style.SUCCESS(f"Superuser {email} created; the address is confirmed.")
        )

    def _password(self, interactive: bool) -> str:
        if not interactive:
            password = os.environ.get(PASSWORD_VARIABLE, "")
            if not password:
                raise CommandError(f"Set {PASSWORD_VARIABLE} when using --noinput.")
            return password
        password = getpass.getpass("Password: ")
        if password != getpass.getpass("Password (again): "):
            raise CommandError("The passwords do not match.")
        if not password:
            raise CommandError("The password must not be empty.")
        return password
