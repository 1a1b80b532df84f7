"""The administrator's pages (Django admin, /admin/): offices, users with their office and role,
and the audit log (read only)."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import User

from .models import AuditEvent, Case, Office, Profile


@admin.register(Office)
class OfficeAdmin(admin.ModelAdmin):
    list_display = ("kode", "nama")
    search_fields = ("kode", "nama")


class ProfileInline(admin.StackedInline):
    model = Profile
    can_delete = False
    extra = 1
    max_num = 1


admin.site.site_header = admin.site.site_title = "Keputusan — administrasi"
admin.site.index_title = "Pengguna, kantor dan catatan audit"
admin.site.unregister(User)


@admin.register(User)
class UserWithOffice(UserAdmin):
    inlines = [ProfileInline]
    list_display = ("username", "first_name", "last_name", "office", "role", "is_active", "is_superuser")

    @admin.display(description="kantor")
    def office(self, user) -> str:
        return getattr(getattr(user, "profile", None), "office_id", "") or ""

    @admin.display(description="peran")
    def role(self, user) -> str:
        return getattr(getattr(user, "profile", None), "role", "") or ""


@admin.register(Case)
class CaseAdmin(admin.ModelAdmin):
    list_display = ("name", "title", "office", "created_by", "created_at", "workbook_clean")
    list_filter = ("office",)
    readonly_fields = ("name", "office", "created_by", "created_at", "workbook_clean", "nomor", "offices_listed")


@admin.register(AuditEvent)
class AuditAdmin(admin.ModelAdmin):
    list_display = ("at", "username", "office", "action", "case", "ip")
    list_filter = ("action", "office")
    search_fields = ("username",)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
