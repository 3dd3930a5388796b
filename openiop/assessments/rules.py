"""Clinical rules around scores: which alerts reach the care team, and what change matters.

Data plus small functions, one place each (CONVENTIONS: clinical rules). Sources:
- Urgent suicide-risk alerts: PHQ-9 item 9 (Kroenke, Spitzer & Williams 2001) and the C-SSRS
  screener risk levels (Posner et al. 2011; Columbia Lighthouse Project triage guidance).
- Clinically significant change: PHQ-9, 5 points (Löwe et al. 2004, Med Care 42:1194; Kroenke
  2012 "PHQ-9: global uses"); GAD-7, 4 points (Toussaint et al. 2020, J Affect Disord 265:395);
  PCL-5, 10 points (National Center for PTSD, "Using the PCL-5": 10-20 points clinically
  meaningful). Lower is better on all three.
"""

from openiop.assessments.models import AlertSeverity

# score alert code -> severity of the ClinicalAlert it raises (codes not listed raise none;
# they stay visible on the administration itself).
ALERT_SEVERITY: dict[str, str] = {
    "suicide_risk": AlertSeverity.URGENT,
    "suicide_risk_high": AlertSeverity.URGENT,
    "suicide_risk_moderate": AlertSeverity.URGENT,
    "suicide_risk_low": AlertSeverity.URGENT,
}

# How alert codes read on screen (codes themselves stay stable for data and the API).
ALERT_LABELS: dict[str, str] = {
    "suicide_risk": "Suicide risk (PHQ-9 item 9)",
    "suicide_risk_high": "High suicide risk (C-SSRS)",
    "suicide_risk_moderate": "Moderate suicide risk (C-SSRS)",
    "suicide_risk_low": "Low suicide risk (C-SSRS)",
    "ptsd_provisional_diagnosis": "Provisional PTSD diagnosis (PCL-5)",
    "bam_use": "Substance use reported (BAM)",
    "bam_risk_high": "High risk factors (BAM)",
    "bam_protective_low": "Low protective factors (BAM)",
    "check_in_self_harm_thoughts": "Thoughts of self-harm reported in a check-in",
    "check_in_use_reported": "Use reported in a check-in",
    "check_in_high_craving": "High craving reported in a check-in",
}


def label_for(code: str) -> str:
    """An alert or band code as words: from the table, else the code with spaces."""
    return ALERT_LABELS.get(code) or code.replace("_", " ").capitalize()


# instrument -> points of change (in either direction) that count as clinically significant
SIGNIFICANT_CHANGE: dict[str, int] = {"phq9": 5, "gad7": 4, "pcl5": 10}


def alert_severity(code: str) -> str | None:
    return ALERT_SEVERITY.get(code)


def change_is_significant(instrument: str, baseline: int | None, latest: int | None) -> bool:
    threshold = SIGNIFICANT_CHANGE.get(instrument)
    if threshold is None or baseline is None or latest is None:
        return False
    return abs(latest - baseline) >= threshold
