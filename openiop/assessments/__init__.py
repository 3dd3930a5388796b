"""Assessments: scored instruments (``instruments``, pure Python) and their administrations."""
