from django.contrib import admin

from mindthegap.store.studies.models import StudyAccess, StudyRecord
from mindthegap.web.admin_store import register_store_tables
from mindthegap.web.signin import AdminSignInForm

admin.site.login_form = (
    AdminSignInForm  # the admin's sign-in says when a username is locked, as the app's does
)


class StudyAccessInline(admin.TabularInline):
    model = StudyAccess
    extra = 1


@admin.register(StudyRecord)
class StudyAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "min_n", "redact_free_text", "created")
    search_fields = ("name", "slug")
    inlines = (StudyAccessInline,)


# the newer store apps (web collection, events, organisations, synthesis, Delphi, coding): to read only
register_store_tables()
