"""报告导入 Report intake: read a report, propose its figures with their sentences, an editor confirms them.

Editors only. The reading and proposing is metrics.intake (the same code as `python -m metrics intake`);
saving goes through metrics.updates like every other edit (validation, history, rollback, the editor)."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from metrics import editors, store, updates
from metrics.i18n import format_date
from metrics.intake import IntakeError, propose, read_document, recording
from metrics.intake.highlight import document_html
from metrics.intake.new_metric import MetricRefused, NewMetric, add_metric
from metrics.intake.proposals import document_title, signed_date
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
labels = dict(zip(registry.metrics["metric_id"], registry.metrics[f"label_{lang}"], strict=True))
units = dict(zip(registry.metrics["metric_id"], registry.metrics["unit"], strict=True))
metric_options = {f"{labels[m]}（{units[m]}）": m for m in labels}
region_options = dict(zip(registry.regions[f"name_{lang}"], registry.regions["region_id"], strict=True))
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

read_key = (recording.digest(data), chosen_date, region_id)
if st.session_state.get("intake_read_key") != read_key:
    try:
        document = read_document(data, name)
        date = chosen_date or signed_date(document) or dt.date.today()  # the 落款 date when none is chosen
        proposals = propose(document, date, region_id, registry)
    except IntakeError as refused:
        st.error(refused.message(lang), icon=":material/error:")
        st.stop()
    st.session_state.update(
        intake_read_key=read_key, intake_document=document, intake_proposals=proposals, intake_doc_date=date
    )
document = st.session_state["intake_document"]
proposals = st.session_state["intake_proposals"]
date = st.session_state["intake_doc_date"]
title = title.strip() or document_title(document)

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
matched = int((proposals["metric_id"] != "").sum())
st.caption(t("intake.found", count=len(proposals), matched=matched, recorded=sum(recorded)))
st.caption(t("intake.read_as", title=title, date=format_date(date, lang)))

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

    def day(text: str):
        return dt.date.fromisoformat(text) if text else None

    return pd.DataFrame(
        {
            "accept": [bool(m) and not done for m, done in zip(frame["metric_id"], recorded, strict=True)],
            "status": [t("intake.status.recorded") if done else t("intake.status.new") for done in recorded],
            "line": frame["line"].astype(int),
            "quote": frame["quote"],
            "metric": [inverse_metric.get(m) for m in frame["metric_id"]],
            "region": [inverse_region.get(r) for r in frame["region_id"]],
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
with table_column:
    st.markdown(f"**{t('intake.proposals')}**")
    edited = st.data_editor(
        editable(proposals, recorded),
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
            "region": st.column_config.SelectboxColumn(column["region"], options=list(region_options)),
            "kind": st.column_config.SelectboxColumn(column["kind"], options=list(kinds), required=True),
            "value": st.column_config.NumberColumn(column["value"], min_value=0.0, format="%g"),
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


unmatched = [position for position, metric in enumerate(edited["metric"]) if not metric]
if unmatched:
    with st.expander(t("intake.new_metric"), icon=":material/add_chart:"):
        position = st.selectbox(
            t("intake.new_metric_row"),
            unmatched,
            format_func=lambda p: f"{p + 1} · {proposals.iloc[p]['quote']} · {proposals.iloc[p]['suggested_label']}",
            key="intake_new_row",
        )
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
            wanted = NewMetric(metric_id.strip(), label_zh, label_en, unit, unit_en, category, row["suggested_label"])
            try:
                add_metric(wanted, editor)
            except MetricRefused as refused:
                st.error("\n".join(f"- {m}" for m in refused.messages(lang)), icon=":material/error:")
            except editors.NotAuthorised as refused:
                st.error(refused.message(lang), icon=":material/lock:")
            else:
                proposals.loc[proposals.index[position], "metric_id"] = wanted.metric_id
                st.session_state["intake_generation"] = st.session_state.get("intake_generation", 0) + 1
                label = wanted.label_zh if lang == "zh" else wanted.label_en
                message = t("intake.new_metric_added", label=label, id=wanted.metric_id)
                st.session_state["intake_flash"] = [("success", message)]
                st.rerun()


def accepted_rows(edited: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
    """The ticked rows back in proposal form (ids, ISO dates), and what is missing from them."""
    problems, rows = [], []
    for position, row in enumerate(edited.to_dict("records")):
        if not row["accept"]:
            continue
        number = position + 1
        metric_id, region_id = metric_options.get(row["metric"] or ""), region_options.get(row["region"] or "")
        kind = kinds.get(row["kind"], "actual")
        if not metric_id:
            problems.append(t("intake.need_metric", row=number))
            continue
        if not region_id:
            problems.append(t("intake.need_region", row=number))
            continue
        dates = [row["as_of"]] if kind == "actual" else [row["period_start"], row["period_end"]]
        if any(d is None or pd.isna(d) for d in dates):
            problems.append(t("intake.need_date", row=number))
            continue
        original = proposals.iloc[position]
        rows.append(
            {
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
    columns = ["line", "section", "evidence", "metric_id", "region_id", "kind", "value", "qualifier"]
    return pd.DataFrame(rows, columns=columns + ["as_of", "period_start", "period_end"]), problems


accepted, problems = accepted_rows(edited)
if problems:
    st.warning("\n".join(f"- {p}" for p in problems), icon=":material/warning:")
if accepted.empty:
    st.info(t("intake.nothing_accepted"), icon=":material/info:")
    st.stop()

planned = {
    "progress": recording.merged("progress", live_progress, recording.progress_rows(accepted, source_id)),
    "targets": recording.merged("targets", live_targets, recording.target_rows(accepted, source_id)),
}
bases = live_versions
checks = {
    kind: memo(
        ("check", kind, bases[kind], int(pd.util.hash_pandas_object(frame, index=False).sum())),
        lambda kind=kind, frame=frame: updates.check_table(kind, frame, registry),
    )
    for kind, frame in planned.items()
}
inverse_metric = {m: label for label, m in metric_options.items()}
inverse_region = {r: name for name, r in region_options.items()}
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
                t("intake.col.value"): shown[value],
                t("intake.col.qualifier"): shown["new_qualifier"],
            }
        )
        st.dataframe(preview, hide_index=True)
    elif not result.ok:
        st.error(t("intake.problems", count=len(result.table_problems)), icon=":material/error:")
        for problem in result.table_problems:
            st.markdown(f"- {problem.message(lang)}")

ready = all(result.ok for result in checks.values()) and not problems
if st.button(t("intake.confirm"), type="primary", icon=":material/task_alt:", disabled=not ready):
    flash = []
    try:
        verified = editors.verify(editor)
        recording.keep_document(data, name, title, issuer, date, (verified.display_name, verified.username))
        for kind, frame in planned.items():
            if not (checks[kind].counts["added"] or checks[kind].counts["changed"]):
                continue
            result = updates.apply_table(kind, frame, editor, base_version=bases[kind], registry=Registry.load())
            if result.saved:
                flash.append(
                    ("success", t("intake.saved", table=t(f"intake.table.{kind}"), version=result.saved.version))
                )
            flash += [("error", problem.message(lang)) for problem in result.table_problems]
    except editors.NotAuthorised as refused:
        flash.append(("error", refused.message(lang)))
    except store.StaleVersionError:
        flash.append(("error", t("intake.stale")))
    st.session_state["intake_flash"] = flash
    st.session_state.pop("intake_read_key", None)  # read again: what was saved now shows as recorded
    st.rerun()
