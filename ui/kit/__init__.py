"""The one kit every screen is built from: form fields and their messages (forms), the service
dialog (dialogs), read-only lists (tables), a part of the record as a page (record_page) and how
values are shown (formatting). Nothing here knows a window or a workflow."""
