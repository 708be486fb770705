from django.conf import settings
from django.contrib import admin
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.urls import include, path

from sochub.api.api import api

if settings.SOCHUB_REQUIRE_ADMIN_2FA:
    from django_otp.admin import OTPAdminSite

    # The Django admin asks for a security code too, as the rest of the app does for administrators.
    admin.site.__class__ = OTPAdminSite


def healthz(request: HttpRequest) -> JsonResponse:
    try:
        with connection.cursor() as cur:
            cur.execute("SELECT 1")
            cur.fetchone()
    except Exception as exc:
        return JsonResponse({"status": "error", "database": type(exc).__name__}, status=503)
    return JsonResponse({"status": "ok", "database": connection.vendor})


urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("api/v1/", api.urls),
    path("django-admin/", admin.site.urls),
    path("", include("sochub.web.urls")),
]
