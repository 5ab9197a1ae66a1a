"""The retention settings form."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm

from portal.privacy import retention
from portal.web.fields import whole_field


class RetentionForm(FlaskForm):
    scan_years = whole_field(
        _l("Keep scans of paper acknowledgements for this many years after the employee leaves"),
        minimum=retention.SCAN_YEARS_MIN, maximum=retention.SCAN_YEARS_MAX, required=True,
        message=_l("Years after leaving: a whole number from %(minimum)d to %(maximum)d (at least one year: the "
                   "limitation period for labour arbitration).",
                   minimum=retention.SCAN_YEARS_MIN, maximum=retention.SCAN_YEARS_MAX))
    pack_days = whole_field(
        _l("Keep built evidence packs for this many days"),
        minimum=retention.PACK_DAYS_MIN, maximum=retention.PACK_DAYS_MAX, required=True,
        message=_l("Days to keep built packs: a whole number from %(minimum)d to %(maximum)d.",
                   minimum=retention.PACK_DAYS_MIN, maximum=retention.PACK_DAYS_MAX))
