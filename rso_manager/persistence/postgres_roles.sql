-- RSO Manager on PostgreSQL: the two roles.
--
-- {owner_role} owns the schema and runs the migrations (`main.py db upgrade --owner-url URL`).
-- {app_role} is what every desktop connects as: it reads and writes case records, may only
-- append to the audit trail, and cannot change the schema, disable a trigger or set
-- session_replication_role. The app refuses to start as the owner or as a superuser.
--
-- Run as a superuser connected to the RSO database {database}: `main.py db roles --admin-url URL`
-- fills in the names and runs this file (`--print` shows it instead). Running it again is safe.
-- Passwords are not set here: set them with psql's \password, or use certificate authentication.

DO $$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{owner_role}') THEN
    CREATE ROLE {owner_role} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS;
  END IF;
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{app_role}') THEN
    -- NOINHERIT: should someone later grant it a role, it still cannot act as that role unasked.
    CREATE ROLE {app_role} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS NOINHERIT;
  END IF;
END $$;

-- Only the two roles may connect; only the owner may create anything, even temporary tables.
REVOKE ALL ON DATABASE {database} FROM PUBLIC;
GRANT CONNECT, TEMPORARY ON DATABASE {database} TO {owner_role};
GRANT CONNECT ON DATABASE {database} TO {app_role};
ALTER SCHEMA public OWNER TO {owner_role};
REVOKE ALL ON SCHEMA public FROM PUBLIC;
GRANT USAGE ON SCHEMA public TO {app_role};

-- A database the app already created while connected as a superuser: its objects go to the
-- owner role (a table's own sequences follow it).
DO $$
DECLARE
  r record;
BEGIN
  FOR r IN SELECT c.oid::regclass AS name FROM pg_class c
           JOIN pg_namespace n ON n.oid = c.relnamespace
           WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'v', 'm', 'f')
             AND c.relowner <> '{owner_role}'::regrole
  LOOP
    EXECUTE format('ALTER TABLE %s OWNER TO {owner_role}', r.name);
  END LOOP;
  FOR r IN SELECT c.oid::regclass AS name FROM pg_class c
           JOIN pg_namespace n ON n.oid = c.relnamespace
           WHERE n.nspname = 'public' AND c.relkind = 'S'
             AND c.relowner <> '{owner_role}'::regrole
             AND NOT EXISTS (SELECT FROM pg_depend d WHERE d.classid = 'pg_class'::regclass
                             AND d.objid = c.oid AND d.deptype IN ('a', 'i'))
  LOOP
    EXECUTE format('ALTER SEQUENCE %s OWNER TO {owner_role}', r.name);
  END LOOP;
  FOR r IN SELECT p.oid::regprocedure AS name FROM pg_proc p
           JOIN pg_namespace n ON n.oid = p.pronamespace
           WHERE n.nspname = 'public' AND p.proowner <> '{owner_role}'::regrole
  LOOP
    EXECUTE format('ALTER FUNCTION %s OWNER TO {owner_role}', r.name);
  END LOOP;
END $$;
