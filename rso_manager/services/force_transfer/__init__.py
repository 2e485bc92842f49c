"""Transfer of a case to and from another force (issue 15 item 6): the file format
(file_format), the case as JSON (case_file), the force's signing key and the forces it trusts
(signing_key), sending (export) and receiving (importing)."""
