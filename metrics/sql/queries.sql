-- Queries the pages run. Parameters are bound (:name), never formatted into the SQL.

-- name: meta()
-- Build information: data_version, built_at.
SELECT key, value FROM meta;

-- name: progress_for_regions(region_ids)
-- Progress rows of the regions in view (a city and its county groups) with each metric's labels, unit and
-- display order, region by region in the order given: one query, not one a region, on a page's first view.
SELECT p.*, m.label_zh, m.label_en, m.unit, m.unit_en, m.category, m.key_order, m.parent_id,
       m.definition_zh, m.definition_en, m.phrase_zh, m.phrase_en
FROM progress p
JOIN metrics m USING (metric_id)
WHERE p.region_id IN (SELECT unnest(:region_ids))
ORDER BY list_position(:region_ids, p.region_id), m.key_order NULLS LAST, m.sort_order, p.period_end NULLS LAST,
    p.period_start DESC NULLS LAST, p.horizon;  -- a year's target before the plan's years that end with it

-- name: figures_for_region(region_id)
-- Every figure of one region by metric, newest first: in the order the build stored them
-- (sql/summaries.sql; no sort here, tests/test_queries.py compares it with the sorted view).
SELECT * FROM figures_by_region
WHERE region_id = :region_id;

-- name: all_figures()
-- Every figure with its source, for the sources page.
SELECT * FROM figures
ORDER BY figure_id NULLS LAST, metric_id, region_id, as_of;

-- name: series(metric_id, region_id)
-- One metric's figures over time in one region, oldest first.
SELECT as_of, value, qualifier, origin, source_zh, source_en, section, evidence
FROM figures
WHERE metric_id = :metric_id AND region_id = :region_id
ORDER BY as_of;

-- name: all_targets()
-- Every target with the metric's labels, and the date of the document that set it (an earlier update's view
-- leaves out the targets of a plan issued after it); in the order the build stored them (sql/summaries.sql).
SELECT * FROM targets_described;

-- name: targets_for_regions(region_ids)
-- The targets of the regions in view (a city and its county groups), as all_targets lists them.
SELECT * FROM targets_described
WHERE list_contains(:region_ids, region_id);  -- a filter, not a join: the stored order kept

-- name: all_checks()
-- Consistency checks and their gaps.
SELECT * FROM checks ORDER BY status DESC, check_id;

-- name: entities_by_role()
SELECT * FROM entities ORDER BY sort_order;

-- name: check_definitions()
-- The checks as checks.csv defines them, evaluated again for a view of an earlier update.
SELECT * FROM check_definitions ORDER BY rowid;

-- name: figures_for_checks(region_id)
-- A region's figures as the build evaluates the checks on them (metrics.build._figures_for_maths): the
-- reply's in figures.csv's order, then the records in progress.csv's; a record's source as written.
SELECT metric_id, region_id, value, qualifier, as_of, source_id, coalesce(section, '') AS section, origin
FROM (
    SELECT *, 'reply' AS origin, 0 AS file, rowid AS line FROM reported_figures WHERE region_id = :region_id
    UNION ALL BY NAME
    SELECT *, source AS source_id, '' AS section, 'record' AS origin, 1 AS file, rowid AS line
    FROM progress_records WHERE region_id = :region_id
)
ORDER BY file, line;

-- name: all_events()
-- Every event, with the date of the document that reports it (an earlier update's view leaves out what a
-- later document reports, as all_targets does for targets).
SELECT e.*, s.date AS source_date
FROM events e
LEFT JOIN sources s ON s.source_id = e.source_id
ORDER BY e.date, e.event_id;

-- name: metrics()
SELECT * FROM metrics ORDER BY sort_order;

-- name: regions_with_data()
-- Regions that have at least one figure or target, city first.
SELECT r.* FROM regions r
-- The ids the build kept (sql/summaries.sql), not a scan of every figure, record and target.
WHERE r.region_id IN (SELECT region_id FROM regions_in_data)
ORDER BY CASE r.level WHEN 'province' THEN 0 WHEN 'city' THEN 1 WHEN 'county' THEN 2 ELSE 3 END, r.admin_code, r.region_id;

-- name: sources()
SELECT * FROM sources ORDER BY date;


-- name: update_dates()
-- Dates the data was updated: each source's date and each recorded figure's date, newest first.
SELECT as_of FROM update_dates_kept  -- kept by the build (sql/summaries.sql)
ORDER BY as_of DESC;

-- name: region_by_id(region_id)
-- One region from the full list, with data or not (a county chosen in the address before its figures).
SELECT * FROM regions WHERE region_id = :region_id;
