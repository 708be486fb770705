"""Files for i2 Analyst's Notebook's import wizard: entity and link tables in a ZIP with a README.

Analyst's Notebook (classic, not connected to i2 Analyze) imports delimited text through an
import specification built in its wizard, in which every entity and link of the import design has
one fixed type. So each file holds one kind of row: ``entities-<type>.csv`` (one entity per row)
and ``links-<type1>-<type2>.csv`` (end 1, link, end 2 per row). Entities merge on their identity,
so the entity files are imported first and the link files then join the same entities.

Every cell is made safe: line breaks become spaces (Analyst's Notebook reads one item per line),
control characters go, and a cell a spreadsheet would run as a formula is prefixed with ``'``
(:func:`sochub.engine.imports.escape_cell`).

The layout follows i2's published description of the import wizard; no import specification
(``.ximp``) is written, because its format is not published.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sochub.engine.imports import escape_cell

# The order of types: names the link files and puts the first of the two at end 1.
ENTITY_TYPES = ("Person", "Organisation", "Vehicle", "Address")
# SOC Hub strength (3 strong, 2 moderate, 1 weak) -> the standard template's line strength and
# the code i2 iBase's importer uses for it.
_STRENGTHS = {3: ("Confirmed", "0"), 2: ("Unconfirmed", "1"), 1: ("Tentative", "2")}

ENTITY_COLUMNS = ("identity", "label", "entity_type", "classification")
LINK_COLUMNS = (
    "entity1_identity",
    "entity1_label",
    "entity1_type",
    "entity2_identity",
    "entity2_label",
    "entity2_type",
    "link_type",
    "link_label",
    "strength",
    "strength_code",
    "strength_level",
    "date",
    "source",
    "recorded_by",
    "classification",
)
COLUMN_NOTES = {
    "identity": "Analyst's Notebook identity: unique, case-sensitive, the same in every SOC Hub export "
    "(entities with the same identity merge). Map to Identity.",
    "label": "What the chart shows. Map to Label.",
    "entity_type": "The entity type this file holds (Person, Organisation, Vehicle or Address).",
    "classification": "The marking of the whole export. Keep it as an attribute so it travels with the item.",
    "entity1_identity": "Identity of end 1; the same as in the entity file. Map to end 1 Identity.",
    "entity1_label": "Label of end 1. Map to end 1 Label.",
    "entity1_type": "Entity type of end 1 (the first type in the file name).",
    "entity2_identity": "Identity of end 2. Map to end 2 Identity.",
    "entity2_label": "Label of end 2. Map to end 2 Label.",
    "entity2_type": "Entity type of end 2 (the second type in the file name).",
    "link_type": "What the link is (Family, Criminal associate, OCG member, Uses vehicle, ...). "
    "Map to the link Label or an attribute.",
    "link_label": "A fuller label: the type and, for memberships, the role.",
    "strength": "Line strength by the standard template's names: Confirmed (solid), Unconfirmed (dashed), "
    "Tentative (dotted). SOC Hub's strong = Confirmed, moderate = Unconfirmed, weak = Tentative.",
    "strength_code": "The same strength as i2 iBase's importer codes it: 0 Confirmed, 1 Unconfirmed, 2 Tentative.",
    "strength_level": "SOC Hub's own strength: 3 strong, 2 moderate, 1 weak.",
    "date": "When the link was recorded, or a membership began (YYYY-MM-DD). Map to Date.",
    "source": "Where the recording agency says the link comes from.",
    "recorded_by": "The agency that recorded the link (for a membership: the agency that owns the OCG).",
}

_LINE_BREAKS = re.compile(r"[\r\n\v\f\x1c\x1d\x1e\x85\u2028\u2029\t]+")
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")


@dataclass(frozen=True)
class I2Entity:
    """One entity. ``attributes`` are (column name, value) pairs, in the order to write them."""

    identity: str
    entity_type: str
    label: str
    attributes: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class I2Link:
    """A link between two entities, named by their identities."""

    end1: str
    end2: str
    link_type: str
    strength: int = 2
    label: str = ""
    date: date | None = None
    source: str = ""
    recorded_by: str = ""


def clean_cell(value: object) -> str:
    """One line of text that no spreadsheet runs: line breaks to spaces, control characters
    dropped, formula-like text prefixed with a quote.

    >>> clean_cell('=HYPERLINK("http://x")')
    '\\'=HYPERLINK("http://x")'
    >>> clean_cell("two\\nlines")
    'two lines'
    """
    text = "" if value is None else str(value)
    text = _CONTROL.sub("", _LINE_BREAKS.sub(" ", text)).strip()
    return escape_cell(text)


def i2_strength(level: int) -> tuple[str, str]:
    """The standard template's strength name and iBase's code for SOC Hub's 1-3 strength."""
    return _STRENGTHS.get(level, _STRENGTHS[2])


def _type_rank(entity_type: str) -> tuple[int, str]:
    return (ENTITY_TYPES.index(entity_type) if entity_type in ENTITY_TYPES else len(ENTITY_TYPES), entity_type)


def _slug(entity_type: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", entity_type.lower()).strip("-") or "entity"


def _csv(rows: Iterable[Sequence[object]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    for row in rows:
        writer.writerow([clean_cell(v) for v in row])
    return buffer.getvalue()


def i2_files(
    *, entities: Sequence[I2Entity], links: Sequence[I2Link], classification: str
) -> dict[str, tuple[str, int, list[str]]]:
    """The CSV files as {file name: (text, data rows, columns)}, entity files first.

    Raises ``ValueError`` for a repeated identity or a link to an entity not given.
    """
    by_identity: dict[str, I2Entity] = {}
    for entity in entities:
        if entity.identity in by_identity:
            raise ValueError(f"Two entities have the identity {entity.identity!r}.")
        by_identity[entity.identity] = entity
    files: dict[str, tuple[str, int, list[str]]] = {}
    for entity_type in sorted({e.entity_type for e in entities}, key=_type_rank):
        group = [e for e in entities if e.entity_type == entity_type]
        extra = list(dict.fromkeys(name for e in group for name, _ in e.attributes))
        columns = [*ENTITY_COLUMNS, *extra]
        rows: list[list[object]] = [list(columns)]
        for e in group:
            values = dict(e.attributes)
            rows.append([e.identity, e.label, e.entity_type, classification, *(values.get(c, "") for c in extra)])
        files[f"entities-{_slug(entity_type)}.csv"] = (_csv(rows), len(group), columns)
    grouped: dict[tuple[str, str], list[list[object]]] = {}
    for link in links:
        missing = [end for end in (link.end1, link.end2) if end not in by_identity]
        if missing:
            raise ValueError(f"A link names an entity that is not in the export: {missing[0]!r}.")
        one, two = by_identity[link.end1], by_identity[link.end2]
        if _type_rank(one.entity_type) > _type_rank(two.entity_type):
            one, two = two, one
        name, code = i2_strength(link.strength)
        grouped.setdefault((one.entity_type, two.entity_type), []).append(
            [
                one.identity,
                one.label,
                one.entity_type,
                two.identity,
                two.label,
                two.entity_type,
                link.link_type,
                link.label or link.link_type,
                name,
                code,
                link.strength,
                link.date.isoformat() if link.date else "",
                link.source,
                link.recorded_by,
                classification,
            ]
        )
    for (type1, type2), rows in sorted(grouped.items(), key=lambda kv: (_type_rank(kv[0][0]), _type_rank(kv[0][1]))):
        files[f"links-{_slug(type1)}-{_slug(type2)}.csv"] = (_csv([LINK_COLUMNS, *rows]), len(rows), list(LINK_COLUMNS))
    return files


def _one_line(text: str) -> str:
    return " ".join(text.split())


def i2_readme(
    *,
    files: Mapping[str, tuple[str, int, list[str]]],
    classification: str,
    title: str,
    produced_by: str,
    produced_at: datetime,
    purpose: str,
    handling: str,
    column_notes: Mapping[str, str] | None = None,
) -> str:
    """README.txt: the marking at top and bottom, who produced it, the files, the columns and how
    to bring them into Analyst's Notebook."""
    notes = {**COLUMN_NOTES, **(column_notes or {})}
    lines = [
        classification,
        "",
        f"SOC Hub export for i2 Analyst's Notebook: {_one_line(title)}",
        f"Produced by {_one_line(produced_by)} on {produced_at:%d %B %Y at %H:%M %Z}".rstrip(),
        f"Purpose: {_one_line(purpose)}",
        f"Handling: {_one_line(handling)}",
        "",
        "FILES",
    ]
    width = max((len(n) for n in files), default=10) + 2
    for name, (_, count, _) in files.items():
        lines.append(f"  {name:<{width}}{count} row{'s' if count != 1 else ''}")
    lines += [
        "",
        "LAYOUT",
        "- Comma separated; the first row holds the column names; text in double quotes where needed;",
        "  UTF-8 with a byte order mark; Windows line ends.",
        "- No value runs over two lines: line breaks in SOC Hub's text are replaced by spaces, because",
        "  Analyst's Notebook reads one item per line.",
        "- A value a spreadsheet would run as a formula (starting with =, +, - or @) starts with a single",
        "  quote ('), so that opening a file in a spreadsheet is safe. Analyst's Notebook shows the quote.",
        "- Dates are YYYY-MM-DD. Every row carries the classification of the whole export.",
        "- Only what the person who exported it was allowed to see is here; other agencies may hold more.",
        "",
        "COLUMNS",
    ]
    seen: list[str] = []
    for _, (_, _, columns) in files.items():
        seen += [c for c in columns if c not in seen]
    for column in seen:
        lines.append(f"  {column}: {notes.get(column, 'An attribute of the entity.')}")
    lines += [
        "",
        "IMPORTING INTO ANALYST'S NOTEBOOK (classic import, without i2 Analyze)",
        " 1. Import the entity files first, then the link files. Entities with the same identity merge,",
        "    so each link joins the entities already on the chart.",
        " 2. Home > Import > Import from File; choose a file; create a new import specification.",
        ' 3. Format: comma separated, text qualifier ", the first row holds the column headings.',
        "    Date format: yyyy-MM-dd.",
        " 4. Entity files (entities-*.csv): keep one entity in the import design (delete the second entity",
        "    and the link). Set its type to the one in the file name (Person, Organisation, Vehicle,",
        "    Address, or the nearest type in your template). Drag identity to Identity, label to Label and",
        "    the other columns to attributes.",
        " 5. Link files (links-<type1>-<type2>.csv): keep the default design of two entities and a link.",
        "    Set end 1 to the first type in the file name and end 2 to the second. Drag entity1_identity",
        "    and entity1_label to end 1's Identity and Label, entity2_identity and entity2_label to end 2's.",
        "    Give the link a type from your template (for example Link or Associate); drag link_label to",
        "    the link's Label, date to its Date, and link_type, source, recorded_by, strength and",
        "    classification to attributes.",
        " 6. Strength: where your version lets the link's strength come from a column, use strength",
        "    (Confirmed, Unconfirmed, Tentative: the standard template's names). Otherwise import each",
        "    strength's rows separately with the wizard's row rules and pick the strength for each, or",
        "    style links by the strength attribute with conditional formatting.",
        " 7. Matching: match entities on Identity.",
        " 8. Save the specification at the end of the wizard. SOC Hub always writes the same column names,",
        "    so the next export of the same kind of file can reuse it.",
        "",
        "LIMITS",
        "- This layout follows i2's published description of the import wizard (delimited text, one",
        "  fixed type per entity and link in a design, entities matched on identity). It has not been",
        "  tested against a copy of Analyst's Notebook.",
        "- No import specification (.ximp) is included: its format is not published.",
        "",
        classification,
        "",
    ]
    return "\r\n".join(lines)


def write_i2_zip(
    *,
    entities: Sequence[I2Entity],
    links: Sequence[I2Link],
    classification: str,
    title: str,
    produced_by: str,
    produced_at: datetime,
    purpose: str,
    handling: str,
    column_notes: Mapping[str, str] | None = None,
) -> bytes:
    """The ZIP: README.txt and the CSV files of :func:`i2_files`, the marking as the ZIP comment.

    The same input gives the same bytes (entries are dated ``produced_at``).
    """
    files = i2_files(entities=entities, links=links, classification=classification)
    readme = i2_readme(
        files=files,
        classification=classification,
        title=title,
        produced_by=produced_by,
        produced_at=produced_at,
        purpose=purpose,
        handling=handling,
        column_notes=column_notes,
    )
    stamp = produced_at.timetuple()[:6]
    stamp = (max(stamp[0], 1980), *stamp[1:])
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.comment = classification.encode("ascii", "replace")
        entries = [("README.txt", readme), *((name, text) for name, (text, _, _) in files.items())]
        for name, text in entries:
            info = zipfile.ZipInfo(name, date_time=stamp)  # type: ignore[arg-type]
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, ("\ufeff" + text).encode("utf-8"))
    return buffer.getvalue()
