from django.contrib import admin

from .models import Page


@admin.register(Page)
class PageAdmin(admin.ModelAdmin):
    list_display = ["slug", "title_de", "title_en", "updated_at"]
    search_fields = ["slug", "title_de", "title_en", "body_de", "body_en"]
    readonly_fields = ["updated_at"]
