#!/usr/bin/env python3
"""Library-stack anchor (a comparison, not part of the product): pandas + scipy + XlsxWriter compute
the same per-patient figures as `caseload review` from the same log CSV and roster, and write a
comparable report: patients.csv, weekly.csv, followup.csv, one workbook for the run and one per
clinician (Patients, Follow-up and Weekly sheets, XlsxWriter's constant_memory mode).

Figures: session days, adherence (whole programme and last 14 days), daily worst pain, baseline
(first 7 programme days) and current (last 7 days) means, change, Theil-Sen slope per week and
Mann-Kendall p over the last 21 days (scipy), flares (>= 2 points above the median of the previous
7 days, frozen reference), level, and per ISO week session days, adherence, minutes, pain mean/max
and the median pain during exercise. It does less than caseload (no PELT change points, no plateau,
no new-this-week re-evaluation, no row accounting or rejected rows), so it is a lower bound for the
library stack, written the way an analyst would (groupby per patient, a Python loop per patient).

usage: pandas_anchor.py LOGS.csv ROSTER.csv OUT_DIR
"""
import os
import sys

import numpy as np
import pandas as pd
import xlsxwriter
from scipy import stats

logs_path, roster_path, out = sys.argv[1:4]
os.makedirs(out, exist_ok=True)

logs = pd.read_csv(logs_path, parse_dates=["date"], low_memory=False)
roster = pd.read_csv(roster_path, parse_dates=["program_start"])
logs = logs.drop_duplicates()

logs["is_exercise"] = logs["exercise"].notna()
daily = logs.groupby(["patient_id", "date"]).agg(
    session=("is_exercise", "any"),
    pain=("pain", "max"),
    minutes=("duration_min", "sum"),
    pain_during_median=("pain_during", "median"),
    level=("level", "max"),
).reset_index()
as_of = daily["date"].max()
roster = roster.set_index("patient_id")


def mann_kendall_p(y):
    n = len(y)
    if n < 2:
        return 1.0
    s = 0
    for i in range(n - 1):
        s += np.sign(y[i + 1:] - y[i]).sum()
    _, counts = np.unique(y, return_counts=True)
    var = (n * (n - 1) * (2 * n + 5) - (counts * (counts - 1) * (2 * counts + 5)).sum()) / 18.0
    if var <= 0:
        return 1.0
    z = (s - 1) / np.sqrt(var) if s > 0 else (s + 1) / np.sqrt(var) if s < 0 else 0.0
    return 2 * (1 - stats.norm.cdf(abs(z)))


def flares(dates, pain):
    count, i, n = 0, 0, len(pain)
    ongoing = False
    while i < n:
        ref = pain[(dates >= dates[i] - np.timedelta64(7, "D")) & (dates < dates[i])]
        if len(ref) >= 3 and pain[i] >= np.median(ref) + 2:
            frozen = np.median(ref)
            count += 1
            j = i + 1
            while j < n and pain[j] >= frozen + 2:
                j += 1
            ongoing = j == n
            i = j
        else:
            i += 1
    return count, ongoing


patients, weekly_rows = [], []
for pid, d in daily.groupby("patient_id", sort=True):
    r = roster.loc[pid] if pid in roster.index else None
    start = r["program_start"] if r is not None else d["date"].min()
    spw = float(r["sessions_per_week"]) if r is not None else 7.0
    clinician = r["clinician"] if r is not None else ""
    w = d[(d["date"] >= start) & (d["date"] <= as_of)]
    days = (as_of - start).days + 1
    prescribed = spw * days / 7
    sessions = int(w["session"].sum())
    recent_from = max(start, as_of - pd.Timedelta(days=13))
    recent = w[w["date"] >= recent_from]
    recent_prescribed = spw * ((as_of - recent_from).days + 1) / 7
    pain = w.dropna(subset=["pain"])
    baseline = pain[pain["date"] <= start + pd.Timedelta(days=6)]["pain"].mean()
    current = pain[pain["date"] >= as_of - pd.Timedelta(days=6)]["pain"].mean()
    t = pain[pain["date"] >= as_of - pd.Timedelta(days=20)]
    slope = p = None
    trend = "insufficient_data"
    if len(t) >= 8 and (t["date"] >= as_of - pd.Timedelta(days=6)).any():
        x = (t["date"] - as_of).dt.days.to_numpy(dtype=float)
        y = t["pain"].to_numpy(dtype=float)
        slope = stats.theilslopes(y, x)[0] * 7
        p = mann_kendall_p(y)
        trend = "worsening" if slope >= 0.5 and p < 0.05 else "improving" if slope <= -0.5 and p < 0.05 else "stable"
    flare_count, flare_ongoing = flares(pain["date"].to_numpy(), pain["pain"].to_numpy(dtype=float))
    levels = w.dropna(subset=["level"])
    level = levels["level"].iloc[-1] if len(levels) else None
    reasons = []
    if trend == "worsening":
        reasons.append("pain_worsening")
    if flare_ongoing:
        reasons.append("flare")
    if recent_prescribed > 0 and 100 * recent["session"].sum() / recent_prescribed < 50:
        reasons.append("low_adherence")
    patients.append({
        "patient_id": pid, "clinician": clinician, "program_start": start.date().isoformat(),
        "first_date": w["date"].min(), "last_date": w["date"].max(), "days_in_program": days,
        "sessions_prescribed": prescribed, "sessions_completed": sessions,
        "adherence_pct": min(100.0, 100 * sessions / prescribed) if prescribed > 0 else None,
        "adherence_14d_pct": min(100.0, 100 * recent["session"].sum() / recent_prescribed)
        if recent_prescribed > 0 else None,
        "pain_baseline": baseline, "pain_current": current, "pain_change": current - baseline,
        "pain_slope_per_week": slope, "trend": trend, "trend_p_value": p, "flare_count": flare_count,
        "flare_ongoing": flare_ongoing, "level_current": level, "followup": bool(reasons),
        "followup_reasons": ";".join(reasons),
    })
    iso = w["date"].dt.isocalendar()
    for (year, week), g in w.groupby([iso["year"], iso["week"]]):
        weekly_rows.append({
            "patient_id": pid, "week": f"{year}-W{week:02d}", "session_days": int(g["session"].sum()),
            "sessions_prescribed": spw * len(g) / 7,
            "adherence_pct": min(100.0, 100 * g["session"].sum() / (spw * len(g) / 7)),
            "minutes": g["minutes"].sum(), "pain_mean": g["pain"].mean(), "pain_max": g["pain"].max(),
            "pain_during_median": g["pain_during_median"].median(),
        })

pt = pd.DataFrame(patients)
wk = pd.DataFrame(weekly_rows)
pt.to_csv(os.path.join(out, "patients.csv"), index=False)
wk.to_csv(os.path.join(out, "weekly.csv"), index=False)
pt[pt["followup"]].to_csv(os.path.join(out, "followup.csv"), index=False)


def write_workbook(path, pt, wk):
    wb = xlsxwriter.Workbook(path, {"constant_memory": True, "nan_inf_to_errors": True})
    for name, frame in (("Patients", pt), ("Follow-up", pt[pt["followup"]]), ("Weekly", wk)):
        ws = wb.add_worksheet(name)
        ws.write_row(0, 0, list(frame.columns))
        for i, row in enumerate(frame.itertuples(index=False), start=1):
            for j, v in enumerate(row):
                if v is None or (isinstance(v, float) and np.isnan(v)):
                    continue
                if isinstance(v, pd.Timestamp):
                    v = v.date().isoformat()
                ws.write(i, j, v)
    wb.close()


write_workbook(os.path.join(out, "caseload.xlsx"), pt, wk)
for clinician, g in pt.groupby("clinician"):
    folder = os.path.join(out, "caseloads", "".join(c if c.isalnum() else "-" for c in str(clinician)).lower())
    os.makedirs(folder, exist_ok=True)
    g.to_csv(os.path.join(folder, "patients.csv"), index=False)
    gw = wk[wk["patient_id"].isin(g["patient_id"])]
    gw.to_csv(os.path.join(folder, "weekly.csv"), index=False)
    write_workbook(os.path.join(folder, "caseload.xlsx"), g, gw)
print(f"{len(pt)} patients, {len(wk)} weekly rows, {pt['followup'].sum()} need follow-up")
