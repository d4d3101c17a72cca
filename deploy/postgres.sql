-- The role and database every `briefing serve` backend shares (psql as a superuser:
--   sudo -u postgres psql -v password="'CHANGE-ME'" -f deploy/postgres.sql).
-- briefing makes and migrates its own table in it on first use; nothing else to run.
CREATE ROLE briefing LOGIN PASSWORD :password CONNECTION LIMIT 400;
CREATE DATABASE briefing OWNER briefing ENCODING 'UTF8' TEMPLATE template0;
REVOKE ALL ON DATABASE briefing FROM PUBLIC;
\connect briefing
-- PostgreSQL 15 no longer lets every role create in `public`; the owner may.
ALTER SCHEMA public OWNER TO briefing;
