-- RSO Manager on PostgreSQL: what the app role {app_role} may do with the tables.
--
-- Run as the owner role after every migration (`main.py db upgrade` does); running it again
-- is safe. Privileges not granted here do not exist for the app: no TRUNCATE, REFERENCES or
-- TRIGGER on any table, no DDL, and (not being the owner) no DISABLE TRIGGER.

GRANT USAGE ON SCHEMA public TO {app_role};

REVOKE ALL ON ALL TABLES IN SCHEMA public FROM PUBLIC, {app_role};
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {app_role};

-- The audit trail is append-only: rows are inserted and read, never changed or removed.
REVOKE UPDATE, DELETE ON audit_event FROM {app_role};
-- The consultation log (who opened which record, when and why) is never removed.
REVOKE DELETE ON consultation FROM {app_role};
-- The single head row (sequence number and last hash) moves on with every appended row.
REVOKE INSERT, DELETE ON audit_head FROM {app_role};
-- The schema version is the owner's to change.
REVOKE INSERT, UPDATE, DELETE ON alembic_version FROM {app_role};

-- nextval only: setval (UPDATE) would let the app move a sequence back onto existing ids.
REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM PUBLIC, {app_role};
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {app_role};
