"""Who may do what with the partnership bulletin: the one place these rules live.

- **Partners** submit articles: any active signed-in user whose agency is a member of the partnership
  (``Agency.status == member``). They see their own submissions and their status (nobody else's).
- **Editors** review, edit, schedule and publish, see every submission, build editions, see feedback and export
  it. The rule: GAIN coordinators (``Role.COORDINATOR``), system administrators (``Role.SYSTEM_ADMIN``), and users
  a system administrator has named bulletin editors (a ``BulletinEditor`` row, managed on the editors page).
  Agency administrators are not editors by role: the bulletin belongs to the whole partnership, not one agency.
- **Readers**: a published edition is readable by any active signed-in user, and by a confirmed subscriber
  through the link in their e-mail (their own token); an edition in preparation only by editors (404 to others).
- Only system administrators name or remove editors.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from sochub.partners.models import AgencyStatus, Role, User

from .models import Article, BulletinEditor, Edition, EditionStatus


def _active(user: User) -> bool:
    return bool(user.is_authenticated and user.is_active)


def can_read(user: User) -> bool:
    """Any active signed-in user reads published editions."""
    return _active(user)


def can_submit(user: User) -> bool:
    return _active(user) and user.agency_id is not None and user.agency.status == AgencyStatus.MEMBER  # type: ignore[union-attr]


def is_editor(user: User) -> bool:
    if not _active(user):
        return False
    if user.has_role(Role.COORDINATOR, Role.SYSTEM_ADMIN):
        return True
    return BulletinEditor.objects.filter(user=user).exists()


def can_manage_editors(user: User) -> bool:
    return _active(user) and user.has_role(Role.SYSTEM_ADMIN)


def visible_articles(user: User, qs: QuerySet[Article] | None = None) -> QuerySet[Article]:
    """Editors see every article; others their own submissions and articles of published editions."""
    qs = Article.objects.all() if qs is None else qs
    if not _active(user):
        return qs.none()
    if is_editor(user):
        return qs
    return qs.filter(Q(submitted_by=user) | Q(edition__status=EditionStatus.PUBLISHED))


def visible_editions(user: User, qs: QuerySet[Edition] | None = None) -> QuerySet[Edition]:
    qs = Edition.objects.all() if qs is None else qs
    if not _active(user):
        return qs.none()
    if is_editor(user):
        return qs
    return qs.filter(status=EditionStatus.PUBLISHED)


def can_edit_article(user: User, article: Article) -> bool:
    """Editors edit until the edition is published; the submitter edits their own article while it is returned
    to them (and then sends it back for review)."""
    from .models import ArticleStatus

    if article.status in (ArticleStatus.PUBLISHED, ArticleStatus.DECLINED):
        return False
    if is_editor(user):
        return True
    return _active(user) and article.submitted_by_id == user.pk and article.status == ArticleStatus.RETURNED
