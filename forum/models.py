from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class SubmissionToken(models.Model):
    """A create form that was handled once, by the token its page carried (forum.once).

    The unique token is the lock: a second, simultaneous POST with it waits for the first
    one's transaction and then finds where the first one went."""

    token = models.CharField(_("token"), max_length=64, unique=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    redirect_to = models.CharField(_("redirect to"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("submission token")
        verbose_name_plural = _("submission tokens")

    def __str__(self):
        return self.token
