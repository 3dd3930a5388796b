"""How much a score has to fall to count as a clinically meaningful improvement.

Data only; the outcomes report uses it for "share improving". Lower is better on every
instrument listed. These published values are the *defaults*: thresholds differ by state and
payer, so each program may set its own (``reports.models.ReportSettings``, on the Report
settings page); read a program's thresholds with ``reports.thresholds.meaningful_change``, not
from ``MEANINGFUL_CHANGE`` directly. Sources:

- PHQ-9: 5 points. Löwe B, Unützer J, Callahan CM, Perkins AJ, Kroenke K. Monitoring depression
  treatment outcomes with the Patient Health Questionnaire-9. Med Care 2004;42(12):1194-1201
  (a change of 5 points is the minimal clinically significant difference).
- GAD-7: 4 points. Toussaint A, Hüsing P, Gumz A, et al. Sensitivity to change and minimal
  clinically important difference of the 7-item Generalized Anxiety Disorder Questionnaire
  (GAD-7). J Affect Disord 2020;265:395-401 (MCID 4 points).
- PCL-5: 10 points. U.S. Department of Veterans Affairs, National Center for PTSD, "Using the
  PTSD Checklist for DSM-5 (PCL-5)" (2018): a 10-20 point change is clinically meaningful;
  the lower bound is used.
"""

from __future__ import annotations

MEANINGFUL_CHANGE: dict[str, int] = {"phq9": 5, "gad7": 4, "pcl5": 10}
