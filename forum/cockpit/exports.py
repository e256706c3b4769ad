"""The statistics as files for the funders' reports: CSV for German Excel (semicolons, UTF-8
with a byte order mark, decimal commas) and XLSX. Figures only, no personal data."""

import csv
import io

from openpyxl import Workbook
from openpyxl.styles import Font


def _csv_value(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.1f}".replace(".", ",")
    return str(value)


def as_csv(header, rows) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(header)
    for section, label, value in rows:
        writer.writerow([section, label, _csv_value(value)])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def as_xlsx(title, header, rows) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title[:31]
    sheet.append(list(header))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for section, label, value in rows:
        sheet.append([section, label, value])
        if isinstance(value, float):
            sheet.cell(row=sheet.max_row, column=3).number_format = "0.0"
    sheet.column_dimensions["A"].width = 36
    sheet.column_dimensions["B"].width = 48
    sheet.column_dimensions["C"].width = 12
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
