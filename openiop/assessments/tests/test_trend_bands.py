"""The measures trend charts carry each instrument's bands, shaded behind the line."""

import datetime
import html
import json
import re

from django.urls import reverse

from openiop.assessments import selectors, services

PHQ9_BANDS = [
    {"low": 0, "high": 4, "label": "Minimal"},
    {"low": 5, "high": 9, "label": "Mild"},
    {"low": 10, "high": 14, "label": "Moderate"},
    {"low": 15, "high": 19, "label": "Moderately severe"},
    {"low": 20, "high": 27, "label": "Severe"},
]


def _give(clinician, participant, code, answers, days_ago, **context):
    return services.administration_submit(
        actor=clinician,
        participant=participant,
        episode=participant.episodes.get(),
        instrument=code,
        answers=answers,
        administered_on=datetime.date.today() - datetime.timedelta(days=days_ago),
        context=context,
    )


def _trends(participant, clinician):
    return {trend.code: trend for trend in selectors.measure_trends(participant, clinician)}


def test_a_phq9_trend_carries_the_papers_bands_and_its_range(clinician, participant):
    _give(clinician, participant, "phq9", [2] * 8 + [0], days_ago=28)
    _give(clinician, participant, "phq9", [1] * 8 + [0], days_ago=0)
    trend = _trends(participant, clinician)["phq9"]
    assert trend.chart_data == {
        "labels": [
            (datetime.date.today() - datetime.timedelta(days=28)).isoformat(),
            datetime.date.today().isoformat(),
        ],
        "totals": [16, 8],
        "bands": PHQ9_BANDS,
        "range": [0, 27],
    }
    assert (trend.change, trend.is_significant) == (-8, True)


def test_a_pcl5_trend_is_banded_at_the_cutoff_it_was_scored_with(clinician, participant):
    _give(clinician, participant, "pcl5", [2] * 16 + [0] * 4, days_ago=0, cutoff=31)
    bands = _trends(participant, clinician)["pcl5"].chart_data["bands"]
    assert bands == [
        {"low": 0, "high": 30, "label": "Below cutoff"},
        {"low": 31, "high": 80, "label": "Probable ptsd"},
    ]


def test_an_instrument_without_a_total_has_no_bands(clinician, participant):
    _give(clinician, participant, "bam7", [0] * 23, days_ago=0)
    assert _trends(participant, clinician)["bam7"].chart_data["bands"] == []


def test_the_page_embeds_the_bands_for_the_chart_and_lists_them_in_words(
    client, clinician, participant
):
    _give(clinician, participant, "phq9", [2] * 8 + [0], days_ago=14)
    _give(clinician, participant, "phq9", [1] * 8 + [0], days_ago=0)
    client.force_login(clinician)
    page = client.get(reverse("assessments:measures", args=[participant.public_id]))
    text = page.content.decode()
    embedded = re.search(
        r'<script id="trend-data-phq9" type="application/json">(.*?)</script>', text
    )
    assert json.loads(embedded.group(1))["bands"] == PHQ9_BANDS
    assert 'data-trend="trend-data-phq9"' in text
    assert "Bands: minimal 0\u20134 · mild 5\u20139 · moderate 10\u201314" in html.unescape(text)
    assert "change from baseline: <strong>-8</strong>" in text
    assert "clinically significant" in text
