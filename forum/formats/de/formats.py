"""German formats (issue 11): a point in time reads "8. September 2027, 23:59 Uhr".

Only what differs from Django's "de" formats is set. Plain times (TIME_FORMAT, used in
ranges such as "09:00-17:00") stay without "Uhr", which would otherwise appear twice.

The first input format is also how a form shows a value: hours and minutes, no seconds
("09:30", not "09:30:00"), in the admin's time fields and its "Now" shortcut as well.
Seconds are still accepted when typed.
"""

DATETIME_FORMAT = r"j. F Y, H:i \U\h\r"
TIME_INPUT_FORMATS = ["%H:%M", "%H:%M:%S", "%H:%M:%S.%f"]
DATETIME_INPUT_FORMATS = ["%d.%m.%Y %H:%M", "%d.%m.%Y %H:%M:%S", "%d.%m.%Y %H:%M:%S.%f"]
