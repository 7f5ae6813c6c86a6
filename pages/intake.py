"""报告导入 Report intake: read a report, propose its figures with their sentences, an editor confirms them.

Editors only. The reading and proposing is metrics.intake (the same code as `python -m metrics intake`);
saving goes through metrics.updates like every other edit (validation, history, rollback, the editor)."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from metrics import editors, paths, store, updates
from metrics.i18n import format_date
from metrics.intake import IntakeError, propose, read_document, recording
from metrics.intake.highlight import document_html
from metrics.intake.new_metric import NEW_METRICS, MetricRefused, NewMetric
from metrics.intake.new_region import NEW_REGIONS, PARENT_LEVELS, NewRegion, RegionRefused, guessed_level, parents_for
from metrics.intake.proposals import document_title, signed_date, signed_issuer
from metrics.numbers import format_value
from metrics.registry import Registry
from ui import editing as editing_ui
from ui import render
from ui.context import current

context = current()
lang, t = context.lang, context.t
render.page_header(context, "page.intake")
editor = editing_ui.account_box(context, "intake", t("intake.viewer_hint"))
if editor is None or editing_ui.session_editor(lang)[1] is not None:  # a viewer, or a sign-in that lapsed
    st.stop()
for level, message in st.session_state.pop("intake_flash", []):
    (st.success if level == "success" else st.error)(message)
st.caption(t("intake.intro"))
registry = Registry.load()
# New metrics and regions made on this page wait here until the import is confirmed (nothing is written before).
pending_metrics: list[NewMetric] = st.session_state.setdefault("intake_new_metrics", [])
pending_regions: list[NewRegion] = st.session_state.setdefault("intake_new_regions", [])
offered = NEW_METRICS.extended(NEW_REGIONS.extended(registry, pending_regions), pending_metrics)
known_metrics, known_regions = offered.metrics, offered.regions  # with the new ones waiting to be saved
labels = dict(zip(known_metrics["metric_id"], known_metrics[f"label_{lang}"], strict=True))
units = dict(zip(known_metrics["metric_id"], known_metrics["unit" if lang == "zh" else "unit_en"], strict=True))
unmatched_label = t("intake.unmatched")
unit_brackets = "{label}（{unit}）" if lang == "zh" else "{label} ({unit})"
metric_options = {unmatched_label: "", **{unit_brackets.format(label=labels[m], unit=units[m]): m for m in labels}}
region_options = dict(zip(known_regions[f"name_{lang}"], known_regions["region_id"], strict=True))
kinds = {t("intake.kind.actual"): "actual", t("intake.kind.target"): "target"}

# ---------- the document ----------
upload = st.file_uploader(
    t("intake.upload"), type=["txt", "md", "docx", "pdf", "html", "htm"], help=t("intake.upload_help")
)
pasted = st.text_area(t("intake.paste"), height=100, key="intake_paste")
left, middle, right, far = st.columns(4)
title = left.text_input(t("intake.title"), key="intake_title", placeholder=t("intake.title_auto"))
issuer = middle.text_input(t("intake.issuer"), key="intake_issuer")
chosen_date = right.date_input(t("intake.date"), value=None, key="intake_date", help=t("intake.date_auto"))
automatic = t("intake.region_auto")
region_name = far.selectbox(t("intake.region"), [automatic, *region_options], key="intake_region")
region_id = region_options.get(region_name)  # None: the region the title names, else the city

if upload is not None:
    data, name = upload.getvalue(), upload.name
elif pasted.strip():
    data, name = pasted.encode("utf-8"), "pasted.txt"
else:
    st.stop()

read_key = (recording.digest(data), chosen_date, region_id, issuer.strip())
if st.session_state.get("intake_read_key") != read_key:
    try:
        document = read_document(data, name)
        date = chosen_date or signed_date(document) or dt.date.today()  # the 落款 date when none is chosen
        proposals = propose(document, date, region_id, registry, issuer=issuer.strip())  # 阳新县经信局 → 阳新县
    except IntakeError as refused:
        st.error(refused.message(lang), icon=":material/error:")
        st.stop()
    pending_metrics.clear()  # new metrics and regions were made for the rows of the document read before
    pending_regions.clear()
    st.session_state.update(
        intake_read_key=read_key, intake_document=document, intake_proposals=proposals, intake_doc_date=date
    )
document = st.session_state["intake_document"]
proposals = st.session_state["intake_proposals"]
date = st.session_state["intake_doc_date"]
title = title.strip() or document_title(document)
signed_by = "" if issuer.strip() else signed_issuer(document)  # the 落款 office when none is typed
issuer = issuer.strip() or signed_by

source_id = recording.source_id_for(data)
known = recording.known_source(data)


def memo(key: tuple, build):
    """A value this session computed for the same inputs (validating a table takes most of a rerun)."""
    kept = st.session_state.setdefault("intake_memo", {})
    if key not in kept:
        if len(kept) > 16:
            kept.clear()
        kept[key] = build()
    return kept[key]


live_versions = {kind: updates.live_version(kind) for kind in ("progress", "targets")}
live_progress = memo(
    ("live", "progress", live_versions["progress"]), lambda: updates.current_frame("progress", registry)
)
live_targets = memo(("live", "targets", live_versions["targets"]), lambda: updates.current_frame("targets", registry))
recorded = recording.mark_recorded(proposals, live_progress, live_targets)
if known:
    st.info(t("intake.known_document", title=known["title_zh"]), icon=":material/history:")
matched = int(proposals["metric_id"].isin(registry.metric_ids).sum())  # "已有指标": not the new ones pending
st.caption(t("intake.found", count=len(proposals), matched=matched, recorded=sum(recorded)))
st.caption(t("intake.read_as", title=title, date=format_date(date, lang)))
if signed_by:
    st.caption(t("intake.issuer_signed", issuer=signed_by))

doc_column, table_column = st.columns([2, 3])
with doc_column:
    st.markdown(f"**{t('intake.document')}**")
    with st.container(height=640):
        st.html(document_html(document.lines, proposals, recorded))  # every character escaped there


# ---------- the proposals, as the editor corrects them ----------
def editable(frame: pd.DataFrame, recorded: list[bool]) -> pd.DataFrame:
    """The proposals in the words the editor reads: labels, names, dates."""
    inverse_metric = {m: label for label, m in metric_options.items()}
    inverse_region = {r: name for name, r in region_options.items()}
    inverse_kind = {k: label for label, k in kinds.items()}
    regions = [
        inverse_region.get(r) or (t("intake.no_region_yet", name=name) if name else None)
        for r, name in zip(frame["region_id"], frame["region_name"], strict=True)
    ]

    def day(text: str):
        return dt.date.fromisoformat(text) if text else None

    return pd.DataFrame(
        {
            "accept": [  # ticked when it can be saved as it is: a metric, a region, not yet recorded
                bool(m) and bool(r) and not done
                for m, r, done in zip(frame["metric_id"], frame["region_id"], recorded, strict=True)
            ],
            "status": [t("intake.status.recorded") if done else t("intake.status.new") for done in recorded],
            "line": frame["line"].astype(int),
            "quote": frame["quote"],
            "metric": [inverse_metric.get(m, unmatched_label) for m in frame["metric_id"]],
            "region": regions,
            "kind": [inverse_kind[k] for k in frame["kind"]],
            "value": frame["value"].astype(float),
            "unit": frame["unit"],
            "qualifier": frame["qualifier"],
            "as_of": [day(d) for d in frame["as_of"]],
            "period_start": [day(d) for d in frame["period_start"]],
            "period_end": [day(d) for d in frame["period_end"]],
            "suggested": frame["suggested_label"],
            "confidence": frame["confidence"].astype(float),
            "evidence": frame["evidence"],
        }
    )


column = {name: t(f"intake.col.{name}") for name in editable(proposals.head(0), []).columns}
shown_proposals = editable(proposals, recorded)
outside = [name for name in dict.fromkeys(shown_proposals["region"]) if name and name not in region_options]
with table_column:
    st.markdown(f"**{t('intake.proposals')}**")
    edited = st.data_editor(
        shown_proposals,
        key=f"intake_table_{read_key[0][:16]}_{st.session_state.get('intake_generation', 0)}",
        hide_index=True,
        height=640,
        disabled=["status", "line", "quote", "unit", "suggested", "confidence", "evidence"],
        column_config={
            "accept": st.column_config.CheckboxColumn(column["accept"], width="small"),
            "status": st.column_config.TextColumn(column["status"], width="small"),
            "line": st.column_config.NumberColumn(column["line"], width="small"),
            "quote": st.column_config.TextColumn(column["quote"], width="small"),
            "metric": st.column_config.SelectboxColumn(column["metric"], options=list(metric_options), width="large"),
            "region": st.column_config.SelectboxColumn(column["region"], options=[*region_options, *outside]),
            "kind": st.column_config.SelectboxColumn(column["kind"], options=list(kinds), required=True),
            "value": st.column_config.NumberColumn(column["value"], min_value=0.0, format="plain"),  # exact
            "unit": st.column_config.TextColumn(column["unit"], width="small"),
            "qualifier": st.column_config.SelectboxColumn(column["qualifier"], options=["=", ">=", "~"]),
            "as_of": st.column_config.DateColumn(column["as_of"], format="YYYY-MM-DD"),
            "period_start": st.column_config.DateColumn(column["period_start"], format="YYYY-MM-DD"),
            "period_end": st.column_config.DateColumn(column["period_end"], format="YYYY-MM-DD"),
            "suggested": st.column_config.TextColumn(column["suggested"]),
            "confidence": st.column_config.ProgressColumn(column["confidence"], min_value=0.0, max_value=1.0),
            "evidence": st.column_config.TextColumn(column["evidence"], width="large"),
        },
    )


def chosen_row(label: str, positions: list[int], detail: str, key: str) -> int:
    """The proposal an editor picks among `positions`, each shown as its row, figure and `detail` column."""

    def described(p: int) -> str:
        return f"{p + 1} · {proposals.iloc[p]['quote']} · {proposals.iloc[p][detail] or '—'}"

    return st.selectbox(label, positions, format_func=described, key=key)


unmatched = [position for position, metric in enumerate(edited["metric"]) if not metric_options.get(metric or "")]
if unmatched:
    with st.expander(t("intake.new_metric"), icon=":material/add_chart:"):
        position = chosen_row(t("intake.new_metric_row"), unmatched, "suggested_label", "intake_new_row")
        row = proposals.iloc[position]
        first, second, third = st.columns(3)
        metric_id = first.text_input(t("intake.new_metric_id"), key=f"intake_new_id_{position}")
        label_zh = second.text_input(
            t("intake.new_metric_label_zh"), value=row["suggested_label"], key=f"intake_new_zh_{position}"
        )
        label_en = third.text_input(t("intake.new_metric_label_en"), key=f"intake_new_en_{position}")
        first, second, third = st.columns(3)
        unit = first.text_input(t("intake.new_metric_unit"), value=row["unit"], key=f"intake_new_unit_{position}")
        unit_en = second.text_input(t("intake.new_metric_unit_en"), key=f"intake_new_unit_en_{position}")
        categories = list(dict.fromkeys(registry.metrics["category"]))
        category = third.selectbox(
            t("intake.new_metric_category"),
            categories,
            format_func=lambda c: t(f"category.{c}"),
            key=f"intake_new_category_{position}",
        )
        if st.button(t("intake.new_metric_add"), icon=":material/add:", key="intake_new_add"):
            wanted = NewMetric(metric_id, label_zh, label_en, unit, unit_en, category, row["suggested_label"])
            try:
                made = NEW_METRICS.propose(wanted, pending_metrics, paths.data_dir())
            except MetricRefused as refused:
                st.error("\n".join(f"- {m}" for m in refused.messages(lang)), icon=":material/error:")
            else:
                pending_metrics.append(made)
                words = (row["suggested_label"], row["unit"])  # the same words and unit: the same new metric
                alike = [
                    p for p in unmatched if words[0] and tuple(proposals.iloc[p][["suggested_label", "unit"]]) == words
                ]
                rows = proposals.index[sorted({position, *alike})]
                proposals.loc[rows, "metric_id"] = made.metric_id
                st.session_state["intake_generation"] = st.session_state.get("intake_generation", 0) + 1
                label = made.label_zh if lang == "zh" else made.label_en
                message = t("intake.new_metric_pending", label=label, id=made.metric_id, count=len(rows))
                st.session_state["intake_flash"] = [("success", message)]
                st.rerun()


elsewhere = [position for position, region in enumerate(edited["region"]) if not region_options.get(region or "")]
if elsewhere:
    with st.expander(t("intake.new_region"), icon=":material/add_location_alt:"):
        position = chosen_row(t("intake.new_region_row"), elsewhere, "region_name", "intake_region_row")
        place = proposals.iloc[position]["region_name"]
        first, second, third = st.columns(3)
        new_id = first.text_input(t("intake.new_region_id"), key=f"intake_region_id_{position}")
        name_zh = second.text_input(t("intake.new_region_name_zh"), value=place, key=f"intake_region_zh_{position}")
        name_en = third.text_input(t("intake.new_region_name_en"), key=f"intake_region_en_{position}")
        first, second, third = st.columns(3)
        levels = list(PARENT_LEVELS)
        level = first.selectbox(
            t("intake.new_region_level"),
            levels,
            index=levels.index(guessed_level(place)),
            format_func=lambda lv: t(f"intake.level.{lv}"),
            key=f"intake_region_level_{position}",
        )
        region_names = dict(zip(known_regions["region_id"], known_regions[f"name_{lang}"], strict=True))
        parent = second.selectbox(
            t("intake.new_region_parent"),
            parents_for(level, known_regions),
            format_func=lambda r: region_names.get(r) or t("intake.new_region_no_parent"),
            key=f"intake_region_parent_{position}_{level}",
        )
        code = third.text_input(t("intake.new_region_code"), key=f"intake_region_code_{position}")
        if st.button(t("intake.new_region_add"), icon=":material/add_location:", key="intake_region_add"):
            wanted = NewRegion(new_id, name_zh, name_en, level, parent or "", code)
            try:
                made = NEW_REGIONS.propose(wanted, pending_regions, paths.data_dir())
            except RegionRefused as refused:
                st.error("\n".join(f"- {m}" for m in refused.messages(lang)), icon=":material/error:")
            else:
                pending_regions.append(made)
                same_place = [p for p in elsewhere if proposals.iloc[p]["region_name"] == place] if place else []
                rows = proposals.index[sorted({position, *same_place})]
                proposals.loc[rows, "region_id"] = made.region_id
                st.session_state["intake_generation"] = st.session_state.get("intake_generation", 0) + 1
                shown_name = made.name_zh if lang == "zh" else made.name_en
                message = t("intake.new_region_added", name=shown_name, id=made.region_id, count=len(rows))
                st.session_state["intake_flash"] = [("success", message)]
                st.rerun()


def accepted_rows(edited: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
    """The ticked rows back in proposal form (ids, ISO dates), and what is missing from them."""
    problems, rows = [], []
    for position, row in enumerate(edited.to_dict("records")):
        if not row["accept"]:
            continue
        figure = {"quote": row["quote"], "line": int(row["line"])}  # as the table and the document show it
        metric_id, region_id = metric_options.get(row["metric"] or ""), region_options.get(row["region"] or "")
        kind = kinds.get(row["kind"], "actual")
        if not metric_id:
            problems.append(t("intake.need_metric", **figure))
            continue
        if not region_id:
            problems.append(t("intake.need_region", **figure))
            continue
        dates = [row["as_of"]] if kind == "actual" else [row["period_start"], row["period_end"]]
        if any(d is None or pd.isna(d) for d in dates):
            problems.append(t("intake.need_date", **figure))
            continue
        original = proposals.iloc[position]
        rows.append(
            {
                "quote": row["quote"],
                "line": int(row["line"]),
                "section": original["section"],
                "evidence": original["evidence"],
                "metric_id": metric_id,
                "region_id": region_id,
                "kind": kind,
                "value": float(row["value"]),
                "qualifier": row["qualifier"] or "=",
                "as_of": pd.Timestamp(row["as_of"]).date().isoformat() if kind == "actual" else "",
                "period_start": pd.Timestamp(row["period_start"]).date().isoformat() if kind == "target" else "",
                "period_end": pd.Timestamp(row["period_end"]).date().isoformat() if kind == "target" else "",
            }
        )
    columns = ["quote", "line", "section", "evidence", "metric_id", "region_id", "kind", "value", "qualifier"]
    return pd.DataFrame(rows, columns=columns + ["as_of", "period_start", "period_end"]), problems


inverse_metric = {m: label for label, m in metric_options.items()}
inverse_region = {r: name for name, r in region_options.items()}
metric_rows = known_metrics.set_index("metric_id")


def as_read(metric_id: str, value: float, qualifier: str) -> str:
    """A value as officials read it (58.6亿元, 10.56万个, ≥66%); the table above keeps the exact number."""
    unit_en = metric_rows.at[metric_id, "unit_en"] if metric_id in metric_rows.index else ""
    unit = metric_rows.at[metric_id, "unit"] if metric_id in metric_rows.index else ""
    return format_value(float(value), unit, qualifier, lang, unit_en=unit_en)


accepted, problems = accepted_rows(edited)
for earlier, later in recording.clashes(accepted):  # saved, the table would keep one of them without a word
    problems.append(
        t("intake.clash", quote=earlier["quote"], line=earlier["line"], other=later["quote"], other_line=later["line"])
    )
if problems:
    st.warning("\n".join(f"- {p}" for p in problems), icon=":material/warning:")
if accepted.empty:
    st.info(t("intake.nothing_accepted"), icon=":material/info:")
    st.stop()

planned = {
    "progress": recording.merged("progress", live_progress, recording.table_rows("progress", accepted, source_id)),
    "targets": recording.merged("targets", live_targets, recording.table_rows("targets", accepted, source_id)),
}
bases = live_versions
new_metrics = [metric for metric in pending_metrics if metric.metric_id in set(accepted["metric_id"])]
new_regions = [region for region in pending_regions if region.region_id in set(accepted["region_id"])]
# The rows are checked against the metrics, regions and document they will have once those are saved.
registry_after = recording.with_document(
    NEW_METRICS.extended(NEW_REGIONS.extended(registry, new_regions), new_metrics), source_id
)
checks = {
    kind: memo(
        (
            "check",
            kind,
            bases[kind],
            tuple(metric.metric_id for metric in new_metrics),
            tuple(region.region_id for region in new_regions),
            int(pd.util.hash_pandas_object(frame, index=False).sum()),
        ),
        lambda kind=kind, frame=frame: updates.check_table(kind, frame, registry_after),
    )
    for kind, frame in planned.items()
}


def listed(names: list[str]) -> str:
    """Names one after another, as each language lists them."""
    return ("、" if lang == "zh" else ", ").join(names)


if new_metrics:
    names = listed(
        [f"{m.label_zh}（{m.metric_id}）" if lang == "zh" else f"{m.label_en} ({m.metric_id})" for m in new_metrics]
    )
    st.markdown(t("intake.preview_metrics", count=len(new_metrics), names=names))
if new_regions:
    names = listed(
        [f"{r.name_zh}（{r.region_id}）" if lang == "zh" else f"{r.name_en} ({r.region_id})" for r in new_regions]
    )
    st.markdown(t("intake.preview_regions", count=len(new_regions), names=names))
for kind, result in checks.items():
    if result.ok and (result.counts["added"] or result.counts["changed"]):
        st.markdown(t("intake.preview", table=t(f"intake.table.{kind}"), **result.counts))
        shown = result.changes[result.changes["change"].isin(["added", "changed"])]
        value = "new_target" if kind == "targets" else "new_value"
        dates = ["period_start", "period_end"] if kind == "targets" else ["as_of"]
        preview = pd.DataFrame(
            {
                t("intake.col.status"): [t(f"intake.change.{c}") for c in shown["change"]],
                t("intake.col.metric"): [inverse_metric.get(m, m) for m in shown["metric_id"]],
                t("intake.col.region"): [inverse_region.get(r, r) for r in shown["region_id"]],
                **{t(f"intake.col.{d}"): shown[d].astype(str) for d in dates},
                t("intake.col.value"): [
                    as_read(m, v, q)
                    for m, v, q in zip(shown["metric_id"], shown[value], shown["new_qualifier"], strict=True)
                ],
            }
        )
        st.dataframe(preview, hide_index=True)
    elif not result.ok:
        st.error(t("intake.problems", count=len(result.table_problems)), icon=":material/error:")
        for problem in result.table_problems:
            st.markdown(f"- {problem.message(lang)}")

ready = all(result.ok for result in checks.values()) and not problems
if st.button(t("intake.confirm"), type="primary", icon=":material/task_alt:", disabled=not ready):
    flash, references, saved_kinds, identity = [], [], [], None
    made = [(NEW_METRICS, new_metrics, "metric_id"), (NEW_REGIONS, new_regions, "region_id")]
    saved_references: list[store.SaveResult | None] = [None, None]
    try:
        verified = editors.verify(editor)
        identity = (verified.display_name, verified.username)
        # First the metrics, then the regions: each is checked against what comes before, the rows against both.
        for number, (new_rows, rows, _) in enumerate(made):
            saved_references[number] = new_rows.save(rows, paths.data_dir(), identity)
        recording.keep_document(data, name, title, issuer, date, identity)
        for kind, frame in planned.items():
            if not (checks[kind].counts["added"] or checks[kind].counts["changed"]):
                continue
            result = updates.apply_table(kind, frame, editor, base_version=bases[kind], registry=Registry.load())
            if result.saved:
                saved_kinds.append(kind)
                flash.append(
                    ("success", t("intake.saved", table=t(f"intake.table.{kind}"), version=result.saved.version))
                )
            flash += [("error", problem.message(lang)) for problem in result.table_problems]
    except MetricRefused as refused:
        flash += [("error", t("intake.metrics_refused"))] + [("error", m) for m in refused.messages(lang)]
    except RegionRefused as refused:
        flash += [("error", t("intake.regions_refused"))] + [("error", m) for m in refused.messages(lang)]
    except editors.NotAuthorised as refused:
        flash.append(("error", refused.message(lang)))
    except store.StaleVersionError:
        flash.append(("error", t("intake.stale")))
    finally:  # a new metric or region that no saved row uses is taken out again, whatever stopped the rows
        saved_rows = [recording.table_rows(kind, accepted, source_id) for kind in saved_kinds]
        for (new_rows, rows, column), saved in zip(made, saved_references, strict=True):
            used = {value for frame in saved_rows for value in frame[column]}
            if saved is not None and identity is not None:
                new_rows.settle(saved, rows, used, identity)
            kept = [new_rows.id_of(row) for row in rows if new_rows.id_of(row) in used]
            if saved is not None and saved.changed and kept:
                version = store.live_version(new_rows.table)
                references.append(("success", t(f"intake.saved_{new_rows.table}", version=version, names=listed(kept))))
    st.session_state["intake_flash"] = references + flash
    if saved_kinds:  # read again: what was saved now shows as recorded (and nothing stays pending)
        st.session_state.pop("intake_read_key", None)
    st.rerun()  # else the table as the editor left it, the new metrics and regions still pending, checked again
