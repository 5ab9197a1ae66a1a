"""Evidence forms: timeline filters are plain GET parameters; these are the POSTs."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired, FileSize
from wtforms import SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Length, Optional

from portal.core import bounds
from portal.web.fields import date_field


class PaperReceiptForm(FlaskForm):
    content = SelectField(_l("What was signed"), validators=[DataRequired(_l("Choose what the employee signed."))])
    signed_on = date_field(_l("Date signed"), bounds.SIGNED_DATE, required=True)
    scan = FileField(
        _l("Scan of the signed form"),
        validators=[
            FileRequired(_l("Attach the scan.")),
            FileAllowed(["pdf", "png", "jpg", "jpeg"], _l("Use a PDF, PNG or JPEG file.")),
            FileSize(max_size=1_500_000, message=_l("The scan may be at most 1.5 MB.")),
        ],
    )
    note = StringField(_l("Note"), validators=[Optional(), Length(max=500, message=_l("At most %(max)d characters."))])
    submit = SubmitField(_l("Record the paper acknowledgement"))


class ActionForm(FlaskForm):
    """Only the CSRF token: verify one employee, take a checkpoint."""
