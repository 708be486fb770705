"""Operations: disruptions recorded against OCGs and nominals, by any partner agency.

Each disruption keeps the tactic's label, type and area and the menu it was recorded with (name, version,
fingerprint), so a later change to the menu never alters what was recorded.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from sochub.engine.disruptions import IMPACT_LEVELS
from sochub.intel.models import OCG, Nominal
from sochub.partners.models import Agency

IMPACT_CHOICES = [(level, level.capitalize()) for level in IMPACT_LEVELS]


class Disruption(models.Model):
    """One tactic used against one OCG or one nominal, with its impact on the national scale.

    Recorded by one person; it counts once another analyst or coordinator of the same agency validates it.
    """

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    ocg = models.ForeignKey(OCG, null=True, blank=True, on_delete=models.CASCADE, related_name="disruptions")
    nominal = models.ForeignKey(Nominal, null=True, blank=True, on_delete=models.CASCADE, related_name="disruptions")
    tactic = models.CharField(max_length=100)
    tactic_label = models.CharField(max_length=300)
    tactic_type = models.CharField(max_length=60)
    area = models.CharField(max_length=60, help_text="The menu area the tactic sits in.")
    impact = models.CharField(max_length=10, choices=IMPACT_CHOICES)
    rationale = models.TextField(max_length=2000)
    date = models.DateField(help_text="When the tactic was used.")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    validated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    validated_at = models.DateTimeField(null=True, blank=True)
    menu_name = models.CharField(max_length=200)
    menu_version = models.CharField(max_length=40)
    menu_fingerprint = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-date", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(ocg__isnull=False, nominal__isnull=True))
                | (models.Q(ocg__isnull=True, nominal__isnull=False)),
                name="disruption_one_target",
            )
        ]

    def __str__(self) -> str:
        return f"Disruption {self.pk}: {self.tactic_label}"

    @property
    def validated(self) -> bool:
        return self.validated_by_id is not None
