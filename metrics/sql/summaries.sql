-- Run by the build once every table is filled (metrics/build.py): small summaries pages read on every
-- first view, which would otherwise scan every progress record (13-20 ms each at a million records).

-- Dates the data was updated: each source's date and each recorded figure's date.
INSERT INTO update_dates_kept
SELECT DISTINCT as_of FROM (SELECT date AS as_of FROM sources UNION SELECT as_of FROM progress_records);

-- Regions with at least one figure or target.
INSERT INTO regions_in_data
SELECT region_id FROM reported_figures UNION SELECT region_id FROM progress_records UNION SELECT region_id FROM targets;

-- Every figure as the figures view gives it, stored region by region, each region's metrics in order and
-- each metric's figures newest first: a region's figures are then read in that order (DuckDB keeps the
-- order rows were stored in when a query has no ORDER BY: preserve_insertion_order), without joining
-- and sorting a million records' labels on each new data version's first view (36 → ~5 ms a region).
-- Of one date's figures a document's comes before an official's record: a reader's stable sort by date
-- then ends with the record, the figure in force (as progress and the checks take it).
CREATE TABLE figures_by_region AS
SELECT * FROM figures ORDER BY region_id, metric_id, as_of DESC, origin = 'record', figure_id;

-- Every target with its metric's labels and unit, its region's names and its document's short names and
-- date, stored in the order all_targets gives them (metric by metric, then region and period): a region's
-- targets are then read in that order without joining and sorting every region's (a province's 5,664
-- targets: ~20 → ~5 ms on the sources and targets pages' first views).
CREATE TABLE targets_described AS
SELECT t.*, m.label_zh, m.label_en, m.unit, m.unit_en,
       r.name_zh AS region_zh, r.name_en AS region_en,
       s.short_zh AS source_zh, s.short_en AS source_en, s.date AS source_date
FROM targets t
JOIN metrics m USING (metric_id)
JOIN regions r USING (region_id)
LEFT JOIN sources s ON s.source_id = t.source
ORDER BY m.key_order NULLS LAST, m.sort_order, t.region_id, t.period_start, t.period_end;
