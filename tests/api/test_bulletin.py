"""The bulletin API: published editions and their contents, submitting an article, one's submissions, and
feedback results for editors; the same policies as the web (an edition in preparation 404s to non-editors)."""

from __future__ import annotations

from datetime import date

from django.test import Client

from sochub.bulletin import services
from sochub.bulletin.models import Article
from sochub.partners.models import User
from tests.bulletin.test_bulletin import HOSTILE, people
from tests.helpers import act

__all__ = ["people"]


def test_api_round_trip(people: dict[str, User], client: Client) -> None:
    from sochub.partners.services import token_create

    _, partner_token = token_create(actor=act(people["hmrc"]), user=people["hmrc"], purpose="Bulletin", expires_days=9)
    _, editor_token = token_create(
        actor=act(people["editor"]), user=people["editor"], purpose="Bulletin", expires_days=9
    )
    as_partner = {"Authorization": f"Bearer {partner_token}"}
    as_editor = {"Authorization": f"Bearer {editor_token}"}
    payload = {
        "title": f"{HOSTILE} Cash businesses",
        "section": "practical_tools",
        "summary": "A checklist",
        "body": "Use it.",
        "contact_name": "Pat",
        "contact_email": "pat@example.gov.uk",
        "consent": True,
    }
    assert (
        client.post(
            "/api/v1/bulletin/articles", {**payload, "consent": False}, "application/json", headers=as_partner
        ).status_code
        == 422
    )
    resp = client.post("/api/v1/bulletin/articles", payload, "application/json", headers=as_partner)
    assert resp.status_code == 201 and resp.json()["status"] == "submitted"
    article = Article.objects.get(pk=resp.json()["id"])
    mine = client.get("/api/v1/bulletin/articles/mine", headers=as_partner).json()
    assert [a["id"] for a in mine["items"]] == [article.pk]

    editor = act(people["editor"])
    services.article_review(actor=editor, article=article, decision="accept")
    edition = services.edition_create(actor=editor, season="Winter", year=2028, planned_publication=date(2028, 1, 5))
    services.article_schedule(actor=editor, article=article, edition=edition)
    assert client.get(f"/api/v1/bulletin/editions/{edition.pk}", headers=as_partner).status_code == 404
    assert client.get(f"/api/v1/bulletin/editions/{edition.pk}", headers=as_editor).status_code == 200
    edition = services.edition_publish(actor=editor, edition=edition)
    listed = client.get("/api/v1/bulletin/editions", headers=as_partner).json()
    assert [e["title"] for e in listed["items"]] == ["Winter 2028"]
    detail = client.get(f"/api/v1/bulletin/editions/{edition.pk}", headers=as_partner).json()
    assert detail["sections"][0]["articles"][0]["title"] == payload["title"]  # JSON keeps the text as written
    services.feedback_submit(
        reader=services.Reader(user=people["gmp"]),
        edition=edition,
        helpful=[article.pk],
        engaged=True,
        engaged_detail="Called Pat",
        wishes="",
        rating=4,
    )
    assert client.get(f"/api/v1/bulletin/editions/{edition.pk}/feedback", headers=as_partner).status_code == 404
    fb = client.get(f"/api/v1/bulletin/editions/{edition.pk}/feedback", headers=as_editor).json()
    assert fb["helpful"] == [{"id": article.pk, "title": payload["title"], "helpful": 1}] and fb["engaged"] == 1
    assert client.get("/api/v1/bulletin/editions").status_code == 401
