-- Measured alternatives to the PIT load of packages/emitters/src/sql/pit.ts, for its owner to
-- judge; not used by any code. Written against the bench:pit model (scripts/bench/pit-spec.mjs)
-- after `BENCH_KEEP=1 npm run bench:pit`: set the search path to its schemas
-- (SET search_path = bp<pid>_bv, bp<pid>_raw) and create `proto (LIKE pit_account INCLUDING ALL)`.
-- Figures (100,000 keys, 3 x 1,000,000 satellite rows, PostgreSQL 15, default settings, one data
-- set, runs interleaved, better of 2). 35 snapshots: floor 6.9 s; the emitted load (pit at d8e0e65,
-- with ValiditySince) 30.5 s (27.1 s before ValiditySince); 1. 18.3 s, 9 s of it the insert.
-- The 36th snapshot: floor 0.22 s; the emitted load 4.7 s (5.2 s before); 2. 2.0 s with the BRIN
-- indexes, 2.2 s without. Both give the emitted load's rows exactly (checked with EXCEPT).

-- 1. One pass instead of interval joins. The pointer of a satellite at cut-off T is the load_ts
-- of its last leader loaded before T, and leaders' load_ts grow in leader order, so it is the
-- running max(load_ts) of the leaders (of every row without a delta order) in load order, read at
-- T. One stream per key ordered by time (key x snapshot rows at their cut-off, satellite leaders
-- at their load_ts), a RANGE frame ending 1 microsecond before the row (strictly before T), no
-- join filters: the satellites' primary key indexes feed a Merge Append without sorting.
INSERT INTO proto
SELECT x.snapshot_date, x.account_hk,
  CASE WHEN x.p0 IS NULL THEN '00000000000000000000000000000000' ELSE x.account_hk END, COALESCE(x.p0, '0001-01-01 00:00:00+00'),
  CASE WHEN x.p1 IS NULL THEN '00000000000000000000000000000000' ELSE x.account_hk END, COALESCE(x.p1, '0001-01-01 00:00:00+00'),
  CASE WHEN x.p2 IS NULL THEN '00000000000000000000000000000000' ELSE x.account_hk END, COALESCE(x.p2, '0001-01-01 00:00:00+00'),
  TIMESTAMPTZ '2025-12-01T03:00:00Z'
FROM (
  SELECT e.account_hk, e.snapshot_date,
    max(e.s0) OVER w AS p0, max(e.s1) OVER w AS p1, max(e.s2) OVER w AS p2
  FROM (
    SELECT h.account_hk, c.cutoff AS t, c.snapshot_date, NULL::timestamptz AS s0, NULL::timestamptz AS s1, NULL::timestamptz AS s2
    FROM (SELECT snapshot_date, CAST(snapshot_date + 1 AS timestamp) AT TIME ZONE 'UTC' AS cutoff FROM snapshot_control_pit_bench s
          WHERE CAST(snapshot_date + 1 AS timestamp) AT TIME ZONE 'UTC' <= TIMESTAMPTZ '2025-12-01T03:00:00Z'
            AND NOT EXISTS (SELECT 1 FROM proto f WHERE f.snapshot_date = s.snapshot_date)) c
    JOIN hub_account h ON h.load_ts < c.cutoff AND h.account_hk <> '00000000000000000000000000000000'
    UNION ALL
    SELECT account_hk, load_ts, NULL, load_ts, NULL, NULL FROM sat_account
    UNION ALL
    SELECT account_hk, load_ts, NULL, NULL, load_ts, NULL FROM (
      SELECT account_hk, load_ts, r, max(r) OVER (PARTITION BY account_hk ORDER BY load_ts ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS b
      FROM (SELECT account_hk, load_ts, row_number() OVER (PARTITION BY account_hk ORDER BY delta_order NULLS LAST, hashdiff, load_ts) AS r FROM sat_account_balance) AS ranked
    ) AS l WHERE b IS NULL OR r > b
    UNION ALL
    SELECT account_hk, load_ts, NULL, NULL, NULL, load_ts FROM sat_account_rating
  ) AS e
  WINDOW w AS (PARTITION BY e.account_hk ORDER BY e.t RANGE BETWEEN UNBOUNDED PRECEDING AND INTERVAL '1 microsecond' PRECEDING)
) AS x
WHERE x.snapshot_date IS NOT NULL;

-- 2. Incremental: seed from the latest filled snapshot P. The row valid at T >= cut-off(P) is the
-- latest in change order of {P's pointer row} and the rows loaded in [cut-off(P), T), so a load
-- reads only those rows; with a BRIN index on load_ts (satellites are insert-only and appended in
-- load order) that is about 1/36 of each table here:
--   CREATE INDEX ON sat_account USING brin (load_ts);  -- likewise the other satellites
-- Several new snapshots: the same seeds plus newer rows feed pass 1 (or validityIntervals) instead
-- of the whole table. No filled snapshot yet: the full load.
INSERT INTO proto
SELECT n.snapshot_date, h.account_hk,
  CASE WHEN COALESCE(a.m, p.sat_account_load_ts) = '0001-01-01 00:00:00+00' THEN '00000000000000000000000000000000' ELSE h.account_hk END, COALESCE(a.m, p.sat_account_load_ts, '0001-01-01 00:00:00+00'),
  CASE WHEN COALESCE(b.load_ts, '0001-01-01 00:00:00+00') = '0001-01-01 00:00:00+00' THEN '00000000000000000000000000000000' ELSE h.account_hk END, COALESCE(b.load_ts, '0001-01-01 00:00:00+00'),
  CASE WHEN COALESCE(r.m, p.sat_account_rating_load_ts) = '0001-01-01 00:00:00+00' THEN '00000000000000000000000000000000' ELSE h.account_hk END, COALESCE(r.m, p.sat_account_rating_load_ts, '0001-01-01 00:00:00+00'),
  TIMESTAMPTZ '2026-01-01T03:00:00Z'
FROM (SELECT snapshot_date, CAST(snapshot_date + 1 AS timestamp) AT TIME ZONE 'UTC' AS cutoff FROM snapshot_control_pit_bench WHERE snapshot_date = DATE '2025-12-31') n
JOIN hub_account h ON h.load_ts < n.cutoff AND h.account_hk <> '00000000000000000000000000000000'
LEFT JOIN proto p ON p.snapshot_date = (SELECT max(snapshot_date) FROM proto) AND p.account_hk = h.account_hk
LEFT JOIN (SELECT account_hk, max(load_ts) AS m FROM sat_account WHERE load_ts >= TIMESTAMPTZ '2025-12-01 00:00:00+00' AND load_ts < TIMESTAMPTZ '2026-01-01 00:00:00+00' GROUP BY account_hk) a ON a.account_hk = h.account_hk
LEFT JOIN (SELECT account_hk, max(load_ts) AS m FROM sat_account_rating WHERE load_ts >= TIMESTAMPTZ '2025-12-01 00:00:00+00' AND load_ts < TIMESTAMPTZ '2026-01-01 00:00:00+00' GROUP BY account_hk) r ON r.account_hk = h.account_hk
LEFT JOIN (
  SELECT DISTINCT ON (c.account_hk) c.account_hk, c.load_ts FROM (
    SELECT s.account_hk, s.load_ts, s.delta_order, s.hashdiff FROM proto q JOIN sat_account_balance s ON s.account_hk = q.account_hk AND s.load_ts = q.sat_account_balance_load_ts
      WHERE q.snapshot_date = (SELECT max(snapshot_date) FROM proto)
    UNION ALL
    SELECT account_hk, load_ts, delta_order, hashdiff FROM sat_account_balance WHERE load_ts >= TIMESTAMPTZ '2025-12-01 00:00:00+00' AND load_ts < TIMESTAMPTZ '2026-01-01 00:00:00+00'
  ) c ORDER BY c.account_hk, c.delta_order DESC NULLS FIRST, c.hashdiff DESC, c.load_ts DESC
) b ON b.account_hk = h.account_hk;
