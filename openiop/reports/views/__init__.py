"""Report pages: the dashboard, its print view, the clinician report, the episode list and CSV
exports. Views parse the filter, call the selectors through a scope, audit and render."""

from openiop.reports.views.export import export
from openiop.reports.views.pages import clinicians, dashboard, episodes, print_view

__all__ = ["clinicians", "dashboard", "episodes", "export", "print_view"]
