"""The GAIN directory: regions, agencies and coordinators; contact details editable by admins."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_http_methods

from sochub.partners import selectors, services
from sochub.partners.models import Agency, AgencyKind, Region, Role, User, Vetting

from .common import actor_for, current_user, error_list, render, signed_in


@signed_in
def directory(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:100]
    kind = request.GET.get("kind", "")
    agencies = selectors.agency_search(query=query, kind=kind if kind in AgencyKind.values else "")
    return render(
        request,
        "partners/directory.html",
        {"regions": Region.objects.all(), "agencies": agencies, "query": query, "kind": kind, "kinds": AgencyKind},
    )


@signed_in
def region_detail(request: HttpRequest, code: str) -> HttpResponse:
    region = get_object_or_404(Region, code=code)
    return render(
        request,
        "partners/region_detail.html",
        {"region": region, "agencies": region.agencies.all(), "coordinators": selectors.coordinators_for(region)},
    )


@signed_in
@require_http_methods(["GET", "POST"])
def agency_detail(request: HttpRequest, code: str) -> HttpResponse:
    agency = get_object_or_404(Agency, code=code)
    user = current_user(request)
    can_edit = services.can_edit_agency(user, agency)
    errors = []
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied
        try:
            services.agency_contact_update(
                actor=actor_for(request),
                agency=agency,
                contact_email=request.POST.get("contact_email", ""),
                contact_phone=request.POST.get("contact_phone", ""),
                address=request.POST.get("address", ""),
                notes=request.POST.get("notes", ""),
            )
            return redirect("web:agency_detail", code=agency.code)
        except ValidationError as exc:
            errors = error_list(exc)
    if agency.status == "left" and not user.is_admin:
        raise Http404
    return render(
        request,
        "partners/agency_detail.html",
        {"agency": agency, "can_edit": can_edit, "errors": errors, "users": selectors.agency_people(agency)},
        status=400 if errors else 200,
    )


@signed_in
@require_http_methods(["GET", "POST"])
def agency_users(request: HttpRequest, code: str) -> HttpResponse:
    """An agency's accounts, for its administrators (and system administrators)."""
    agency = get_object_or_404(Agency, code=code)
    actor = actor_for(request)
    if not services.can_manage_user(actor.user, agency):
        raise Http404
    errors: list[dict[str, str]] = []
    form: dict[str, object] = {}
    if request.method == "POST" and request.POST.get("action") in {"deactivate", "reactivate"}:
        target = get_object_or_404(User, agency=agency, username=request.POST.get("username", "")[:150])
        services.user_set_active(actor=actor, user=target, active=request.POST["action"] == "reactivate")
        return redirect("web:agency_users", code=agency.code)
    if request.method == "POST":
        form = {k: request.POST.get(k, "")[:254] for k in ("username", "first_name", "last_name", "email", "vetting")}
        form["roles"] = request.POST.getlist("roles")
        try:
            services.user_create(
                actor=actor,
                username=str(form["username"]),
                password=request.POST.get("password", "")[:200],
                agency=agency,
                roles=list(form["roles"]),  # type: ignore[call-overload]
                first_name=str(form["first_name"]),
                last_name=str(form["last_name"]),
                email=str(form["email"]),
                vetting=str(form["vetting"]) or Vetting.NONE,
                coordinator_region=agency.region,
            )
            return redirect("web:agency_users", code=agency.code)
        except ValidationError as exc:
            errors = error_list(exc)
        except PermissionDenied as exc:
            errors = [{"text": str(exc), "href": "#roles"}]
    roles = [r for r in Role if r != Role.SYSTEM_ADMIN or actor.user.has_role(Role.SYSTEM_ADMIN)]
    return render(
        request,
        "partners/agency_users.html",
        {
            "agency": agency,
            "people": agency.users.order_by("username"),
            "errors": errors,
            "form": form,
            "roles": roles,
            "vettings": Vetting,
        },
        status=400 if errors else 200,
    )
