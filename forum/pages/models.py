"""Pages organisers edit in admin: the legal notice, privacy policy and accessibility statement."""

from django.db import models
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class Page(models.Model):
    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    title_de = models.CharField(_("title (German)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200)
    body_de = models.TextField(
        _("text (German)"), help_text=_("Plain text. An empty line starts a new paragraph.")
    )
    body_en = models.TextField(
        _("text (English)"), help_text=_("Plain text. An empty line starts a new paragraph.")
    )
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)

    class Meta:
        verbose_name = _("page")
        verbose_name_plural = _("pages")
        ordering = ["slug"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("pages:detail", kwargs={"slug": self.slug})

    @property
    def _english(self) -> bool:
        return (get_language() or "de").startswith("en")

    @property
    def title(self) -> str:
        return self.title_en if self._english else self.title_de

    @property
    def body(self) -> str:
        return self.body_en if self._english else self.body_de
