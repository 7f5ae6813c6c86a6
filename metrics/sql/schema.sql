-- The dashboard database, rebuilt from data/*.csv by `python -m metrics build`.

CREATE TABLE meta (key VARCHAR PRIMARY KEY, value VARCHAR);

CREATE TABLE metrics (
    metric_id VARCHAR PRIMARY KEY, label_zh VARCHAR, label_en VARCHAR, unit VARCHAR, unit_en VARCHAR,
    category VARCHAR, direction VARCHAR, parent_id VARCHAR, key_order INTEGER,
    definition_zh VARCHAR, definition_en VARCHAR,
    phrase_zh VARCHAR, phrase_en VARCHAR,  -- how a sentence states the figure: 已完成{value}规上企业智能化诊断
    sort_order INTEGER  -- the registry file's row order, which follows the reply
);

CREATE TABLE regions (
    region_id VARCHAR PRIMARY KEY, name_zh VARCHAR, name_en VARCHAR, level VARCHAR, parent_id VARCHAR,
    admin_code VARCHAR
);

CREATE TABLE sources (
    source_id VARCHAR PRIMARY KEY, doc_number VARCHAR, issuer_zh VARCHAR, issuer_en VARCHAR,
    addressee_zh VARCHAR, addressee_en VARCHAR, date DATE, title_zh VARCHAR, title_en VARCHAR,
    short_zh VARCHAR, short_en VARCHAR,
    noun_zh VARCHAR, noun_en VARCHAR,  -- how a sentence names the document: 与答复所述129个一致
    file VARCHAR
);

-- Figures the reply states, curated with their evidence.
CREATE TABLE reported_figures (
    figure_id VARCHAR PRIMARY KEY, metric_id VARCHAR, region_id VARCHAR, value DOUBLE, unit VARCHAR,
    qualifier VARCHAR, as_of DATE, source_id VARCHAR, section VARCHAR, as_written VARCHAR,
    derivation VARCHAR, event_id VARCHAR, evidence VARCHAR, evidence_en VARCHAR, note VARCHAR, note_en VARCHAR
);

-- Figures officials record after the reply.
CREATE TABLE progress_records (
    metric_id VARCHAR, region_id VARCHAR, as_of DATE, value DOUBLE, qualifier VARCHAR, source VARCHAR,
    note VARCHAR
);

CREATE TABLE targets (
    metric_id VARCHAR, region_id VARCHAR, period_start DATE, period_end DATE, target DOUBLE,
    qualifier VARCHAR, source VARCHAR, section VARCHAR, evidence VARCHAR, note VARCHAR,
    plan VARCHAR, plan_en VARCHAR, assumption VARCHAR, assumption_en VARCHAR,
    evidence_en VARCHAR, note_en VARCHAR  -- the source's words and the note in English, for English pages
);

CREATE TABLE entities (
    name_zh VARCHAR, name_en VARCHAR, entity_type VARCHAR, role VARCHAR,
    source_id VARCHAR,  -- the document that names them (sources.csv)
    region_id VARCHAR,  -- the unit the document names them for: a county's page does not list the city's
    section VARCHAR, evidence VARCHAR,
    sort_order INTEGER  -- the order the documents name them in
);

CREATE TABLE events (
    event_id VARCHAR PRIMARY KEY, date DATE, date_precision VARCHAR, date_approximate VARCHAR, kind VARCHAR,
    status VARCHAR,
    label_zh VARCHAR, label_en VARCHAR,  -- short label for a timeline
    title_zh VARCHAR, title_en VARCHAR, format_zh VARCHAR, format_en VARCHAR, location_zh VARCHAR,
    location_en VARCHAR, source_id VARCHAR,
    region_id VARCHAR,  -- the unit whose activity the document reports (the city's conferences are not a county's)
    section VARCHAR, evidence VARCHAR, note VARCHAR
);

-- checks.csv as written: what a view of an earlier update evaluates again (metrics.reader.Reader.checks).
CREATE TABLE check_definitions (
    check_id VARCHAR, kind VARCHAR, stated VARCHAR, operands VARCHAR, tolerance VARCHAR, section VARCHAR,
    label_zh VARCHAR, label_en VARCHAR, claim_zh VARCHAR, claim_en VARCHAR
);

CREATE TABLE checks (
    check_id VARCHAR, kind VARCHAR, label_zh VARCHAR, label_en VARCHAR, section VARCHAR, region_id VARCHAR,
    as_of DATE, parts_zh VARCHAR, parts_en VARCHAR, expected DOUBLE, computed DOUBLE, gap DOUBLE,
    tolerance DOUBLE, status VARCHAR, claim_zh VARCHAR, claim_en VARCHAR, unit VARCHAR,
    document_zh VARCHAR, document_en VARCHAR  -- what states the expected figure: 答复, 进展记录
);

CREATE TABLE progress (
    metric_id VARCHAR, region_id VARCHAR, period_start DATE, period_end DATE, horizon VARCHAR,
    target DOUBLE, target_qualifier VARCHAR, target_source VARCHAR, value DOUBLE, value_qualifier VARCHAR,
    value_as_of DATE, value_source VARCHAR, percent_of_target DOUBLE, elapsed_share DOUBLE,
    expected_to_date DOUBLE, gap_to_expected DOUBLE, gap_to_target DOUBLE, status VARCHAR,
    latest_value DOUBLE, latest_qualifier VARCHAR, latest_as_of DATE,
    plan VARCHAR, plan_en VARCHAR, assumption VARCHAR, assumption_en VARCHAR
);

-- Every figure, from the reply or recorded since, with its labels and where it comes from.
-- Kept by the build from the tables above (sql/summaries.sql): what every page's sidebar asks, read from
-- a few rows instead of scanning every progress record on each new data version's first view.
CREATE TABLE update_dates_kept (as_of DATE);
CREATE TABLE regions_in_data (region_id VARCHAR);
-- The results of the small named queries every first view asks (metrics.queries.KEPT_QUERIES), each as
-- the Arrow stream its query gives, stored by the build once everything else is in: one read of one table
-- instead of a query each, which cost 1.5-4 ms apiece on a freshly attached file whatever their rows.
CREATE TABLE kept_results (name VARCHAR PRIMARY KEY, arrow BLOB NOT NULL);

CREATE VIEW figures AS
SELECT
    f.figure_id, f.metric_id, m.label_zh, m.label_en, m.category, f.region_id,
    r.name_zh AS region_zh, r.name_en AS region_en, f.value, f.unit, m.unit_en, f.qualifier, f.as_of,
    f.source_id, s.short_zh AS source_zh, s.short_en AS source_en, f.section, f.evidence, f.as_written,
    f.derivation, f.event_id, f.note, 'reply' AS origin, f.evidence_en, f.note_en
FROM reported_figures f
JOIN metrics m USING (metric_id)
JOIN regions r USING (region_id)
LEFT JOIN sources s USING (source_id)
UNION ALL
SELECT
    NULL AS figure_id, p.metric_id, m.label_zh, m.label_en, m.category, p.region_id,
    r.name_zh AS region_zh, r.name_en AS region_en, p.value, m.unit, m.unit_en, p.qualifier, p.as_of,
    -- A recorded figure's source is a document id or the officials' own words (2021年第三季度调度会).
    coalesce(s.source_id, p.source) AS source_id,
    coalesce(s.short_zh, p.source) AS source_zh, coalesce(s.short_en, p.source) AS source_en,
    NULL AS section, NULL AS evidence, NULL AS as_written, 'recorded' AS derivation, NULL AS event_id,
    p.note, 'record' AS origin, NULL AS evidence_en,
    NULL AS note_en  -- a record's note is the official's own words, shown as written in both languages
FROM progress_records p
JOIN metrics m USING (metric_id)
JOIN regions r USING (region_id)
LEFT JOIN sources s ON s.source_id = p.source;
