"""Exchange with the tools an OMU already works in (issue 17 parts 3 to 5): booked visits out
to a calendar (calendar), any list out to CSV or Excel (spreadsheet_out), and offenders in from
a spreadsheet (offender_import)."""
