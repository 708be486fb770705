"""Link charts (Cytoscape.js with an equivalent table), i2 Analyst's Notebook exports and
intelligence packages (HTML and PDF)."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.urls import reverse
from markupsafe import Markup

from sochub.intel import exports, selectors
from sochub.intel.services import NotFound

from .common import PURPOSE_SESSION_KEY, actor_for, current_user, intel_user, purpose_needed, render


def _purpose_for_download(request: HttpRequest) -> HttpResponse | None:
    """Downloads need a purpose first: the redirect to ask for one (coming back here), or None."""
    if request.session.get(PURPOSE_SESSION_KEY):
        return None
    return redirect(f"{reverse('web:purpose')}?next={request.path}")


def _survivor(request: HttpRequest, nominal_id: str, view: str) -> HttpResponse | None:
    """404 for a person the user may not see; a redirect when they were merged into another."""
    nominal = selectors.nominal_resolve(user=current_user(request), nominal_id=nominal_id)
    if nominal is None:
        raise Http404
    if str(nominal.pk) != nominal_id:
        return redirect(view, nominal_id=str(nominal.pk), permanent=True)
    return None


def _network_page(request: HttpRequest, network: selectors.Network, **context: Any) -> HttpResponse:
    focus = network.node(network.focus)
    title = context.pop("title")
    return render(
        request,
        "intel/network.html",
        {
            "network": network,
            "focus": focus,
            "title": title,
            "rows": exports.network_rows(network),
            "chart_svg": Markup(exports.network_chart_svg(network, title=title)),  # noqa: S704 (escaped by the engine)
            "description": exports.network_description(network),
            "purpose": actor_for(request).purpose,
            **context,
        },
    )


@intel_user
def nominal_network(request: HttpRequest, nominal_id: str) -> HttpResponse:
    if (moved := _survivor(request, nominal_id, "web:nominal_network")) is not None:
        return moved
    if (needed := purpose_needed(request)) is not None:
        return needed
    try:
        network = exports.nominal_network_consult(actor=actor_for(request), nominal_id=nominal_id)
    except NotFound as exc:
        raise Http404 from exc
    focus = network.node(network.focus)
    name = focus.label if focus else "this person"
    return _network_page(
        request,
        network,
        title=f"Network of {name}",
        back_url=reverse("web:nominal_detail", args=[nominal_id]),
        back_text=f"Back to {name}",
        json_url=reverse("web:nominal_network_json", args=[nominal_id]),
        i2_url=reverse("web:nominal_network_i2", args=[nominal_id]),
        package_url=reverse("web:nominal_package", args=[nominal_id]),
    )


@intel_user
def ocg_network(request: HttpRequest, ocg_id: int) -> HttpResponse:
    if selectors.ocg_get(user=current_user(request), ocg_id=ocg_id) is None:
        raise Http404
    if (needed := purpose_needed(request)) is not None:
        return needed
    try:
        ocg, network = exports.ocg_network_consult(actor=actor_for(request), ocg_id=ocg_id)
    except NotFound as exc:
        raise Http404 from exc
    return _network_page(
        request,
        network,
        title=f"Network of {ocg.urn} {ocg.name}",
        back_url=reverse("web:ocg_detail", args=[ocg_id]),
        back_text=f"Back to {ocg.name}",
        json_url=reverse("web:ocg_network_json", args=[ocg_id]),
        i2_url=reverse("web:ocg_network_i2", args=[ocg_id]),
        package_url="",
    )


def _json_refused() -> JsonResponse:
    return JsonResponse({"error": "Say why you need this information first (the purpose page)."}, status=403)


@intel_user
def nominal_network_json(request: HttpRequest, nominal_id: str) -> HttpResponse:
    """The chart's elements for Cytoscape.js; the page's table shows the same links."""
    if not request.session.get(PURPOSE_SESSION_KEY):
        return _json_refused()
    try:
        network = exports.nominal_network_consult(actor=actor_for(request), nominal_id=nominal_id, view="network-json")
    except NotFound as exc:
        raise Http404 from exc
    return JsonResponse(exports.network_json(network))


@intel_user
def ocg_network_json(request: HttpRequest, ocg_id: int) -> HttpResponse:
    if not request.session.get(PURPOSE_SESSION_KEY):
        return _json_refused()
    try:
        _, network = exports.ocg_network_consult(actor=actor_for(request), ocg_id=ocg_id, view="network-json")
    except NotFound as exc:
        raise Http404 from exc
    return JsonResponse(exports.network_json(network))


def _zip(name: str, data: bytes) -> HttpResponse:
    response = HttpResponse(data, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@intel_user
def nominal_network_i2(request: HttpRequest, nominal_id: str) -> HttpResponse:
    """The chart as files for i2 Analyst's Notebook (a disclosure, with the purpose)."""
    if (moved := _survivor(request, nominal_id, "web:nominal_network_i2")) is not None:
        return moved
    if (needed := _purpose_for_download(request)) is not None:
        return needed
    try:
        name, data = exports.i2_export(actor=actor_for(request), nominal_id=nominal_id)
    except NotFound as exc:
        raise Http404 from exc
    return _zip(name, data)


@intel_user
def ocg_network_i2(request: HttpRequest, ocg_id: int) -> HttpResponse:
    if selectors.ocg_get(user=current_user(request), ocg_id=ocg_id) is None:
        raise Http404
    if (needed := _purpose_for_download(request)) is not None:
        return needed
    try:
        name, data = exports.i2_export(actor=actor_for(request), ocg_id=ocg_id)
    except NotFound as exc:
        raise Http404 from exc
    return _zip(name, data)


# Intelligence package ---------------------------------------------------------------------------


def _package_context(package: exports.IntelPackage) -> dict[str, Any]:
    return {"pkg": package, "chart_svg": Markup(package.chart_svg)}  # noqa: S704 (escaped by the engine)


@intel_user
def nominal_package(request: HttpRequest, nominal_id: str) -> HttpResponse:
    """The package on screen, with its downloads."""
    if (moved := _survivor(request, nominal_id, "web:nominal_package")) is not None:
        return moved
    if (needed := purpose_needed(request)) is not None:
        return needed
    try:
        package = exports.package_consult(actor=actor_for(request), nominal_id=nominal_id)
    except NotFound as exc:
        raise Http404 from exc
    return render(request, "intel/package.html", _package_context(package))


def render_pdf(html: str, base_url: str) -> bytes:
    """HTML to PDF with WeasyPrint (imported on first use: it takes a moment to load)."""
    from weasyprint import HTML

    return bytes(HTML(string=html, base_url=base_url).write_pdf())


@intel_user
def nominal_package_download(request: HttpRequest, nominal_id: str, fmt: str) -> HttpResponse:
    """The package as a PDF or a self-contained HTML file: a disclosure, with the purpose."""
    if fmt not in ("pdf", "html"):
        raise Http404
    if (moved := _survivor(request, nominal_id, "web:nominal_package")) is not None:
        return moved
    if (needed := _purpose_for_download(request)) is not None:
        return needed
    try:
        package = exports.package_export(actor=actor_for(request), nominal_id=nominal_id, fmt=fmt)
    except NotFound as exc:
        raise Http404 from exc
    html = render_to_string(
        "intel/package_print.html", {**_package_context(package), "for_pdf": fmt == "pdf"}, request=request
    )
    if fmt == "pdf":
        response = HttpResponse(render_pdf(html, request.build_absolute_uri("/")), content_type="application/pdf")
    else:
        response = HttpResponse(html, content_type="text/html; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{exports.package_filename(package, fmt)}"'
    return response
