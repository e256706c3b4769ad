"""A need's row keeps its search vectors in the row up to 4 KB (issue 17, P2).

PostgreSQL moves values out of a row into its TOAST table once the row passes 2 KB. A
need's row is about 2.2 KB (title, summary, description and the two search vectors), so the
search vector, its largest value, went out of line for nearly every need. A search that
walks the newest needs and matches each one's vector (a common word: ``hit_ids``) then read
four pages per need instead of one: at 100,000 needs "Betrieb" in Lower Saxony walked 5,300
needs through 22,300 buffers in 23 ms; with the vectors in the row, 2,300 buffers in 9 ms,
and the table with its TOAST was 61,300 pages, now 33,300.

``toast_tuple_target`` (PostgreSQL 11+) moves the threshold to 4,080 bytes: two rows per
page. Longer needs are still compressed and moved out of line, down to that size. The
setting applies to rows written from now on, so the existing rows are rewritten once here
(``title = title``: their stored generated vectors are computed again and stay in the row;
the topic ids' trigger sets the same ids).
"""

from django.db import migrations

FORWARD = """
ALTER TABLE research_needs_need SET (toast_tuple_target = 4080);
UPDATE research_needs_need SET title = title;
"""

BACKWARD = """
ALTER TABLE research_needs_need RESET (toast_tuple_target);
"""


class Migration(migrations.Migration):
    dependencies = [
        ("research_needs", "0008_topic_ids_and_filter_indexes"),
    ]

    operations = [
        migrations.RunSQL(FORWARD, BACKWARD),
    ]
