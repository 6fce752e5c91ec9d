-- Schema of the stateless SQL peer (bench/sqlpeer): the two tables a coverage answer needs, as a team building on
-- SQL instead of grains would keep them. bench/run.sh creates a database of its own for it on the bench's throwaway
-- PostgreSQL, runs this file, then fills both tables with COPY from the CSVs bench/benchtool.py writes from the
-- seed manifest (the same subscribers, IMEIs and dates as the service's seed), and ANALYZEs them.
-- One lookup is one query: devices by primary key, joined to its line by primary key.

CREATE TABLE lines (
  line_id             text PRIMARY KEY,
  service_start_date  date    NOT NULL,
  warranty_option     boolean NOT NULL,
  coverage_start_date date,             -- COV-4: the first of the month after the service start
  terminated_on       date,             -- COV-7: the option's last day, when terminated
  covered_imei        text,             -- the option's covered device (REG-1)
  claims_year_start   date,             -- the contract year claims_in_year counts (CLM-1, CLM-3)
  claims_in_year      integer NOT NULL DEFAULT 0,
  last_usage_from     date,             -- COV-5: the covered device's last run of consecutive days seen on the
  last_usage_date     date              --        network (Japan dates), from and to
);

CREATE TABLE devices (
  imei          text PRIMARY KEY,
  line_id       text REFERENCES lines (line_id),
  status        text NOT NULL,          -- covered | excluded (CLM-8) | replaced (CLM-9) | released (REG-4)
  kind          text NOT NULL,          -- android | ios | windows | router (CLM-2)
  release_date  date NOT NULL,          -- COV-2: natural failure covered 36 months from it
  registered_at timestamptz NOT NULL    -- REG-1: not covered before the registration's Japan date
);

CREATE INDEX devices_line_id ON devices (line_id);
