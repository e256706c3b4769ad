from allauth.account.decorators import secure_admin_login
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from events import sitemaps as event_sitemaps
from events.feeds import EventsFeed
from forum import views
from forum.sitemaps import PageSitemap, StaticSitemap
from members.sitemaps import OrganisationSitemap
from research_needs.feeds import NeedsFeed
from research_needs.sitemaps import NeedSitemap

# The admin login goes through allauth's login, so allauth's rate limits cover it too.
admin.site.login = secure_admin_login(admin.site.login)
admin.site.site_header = _("Innovation Forum Harz: administration")
admin.site.site_title = _("Innovation Forum Harz")
admin.site.index_title = _("Organiser tools")

SITEMAPS = {
    "static": StaticSitemap,
    "pages": PageSitemap,
    "events": event_sitemaps.EventSitemap,
    "programmes": event_sitemaps.EventPartSitemap,
    "items": event_sitemaps.ItemSitemap,
    "speakers": event_sitemaps.SpeakerSitemap,
    "needs": NeedSitemap,
    "organisations": OrganisationSitemap,
}

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("readyz", views.readyz, name="readyz"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
]

urlpatterns += i18n_patterns(
    path("", views.landing, name="landing"),
    path("accounts/privacy/", include("forum.privacy.urls")),
    path("accounts/", include("allauth.urls")),
    path("members/", include("members.urls")),
    path("needs/", include("research_needs.urls")),
    path("events/", include("events.urls")),
    path("notifications/", include("forum.notifications.urls")),
    path("pages/", include("forum.pages.urls")),
    path("feeds/needs/", NeedsFeed(), name="feed_needs"),
    path("feeds/events/", EventsFeed(), name="feed_events"),
    path("admin/", admin.site.urls),
    prefix_default_language=False,
)
