"""Evidence forms: timeline filters are plain GET parameters; these are the POSTs."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired, FileSize
from wtforms import SelectField, StringField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from portal.core import bounds
from portal.evidence.witnesses import KIND_NAMES
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


class WitnessForm(FlaskForm):
    """A witness: the address is checked by ``witnesses.target_problem`` for its kind."""

    kind = SelectField(_l("Kind"), choices=[SelectChoice(kind, name) for kind, name in KIND_NAMES.items()],
                       validators=[DataRequired(_l("Choose e-mail, webhook or directory."))])
    target = StringField(_l("Address"), validators=[DataRequired(_l("Enter the witness's address."))])
    label = StringField(_l("Who this is"), validators=[
        Optional(), Length(max=120, message=_l("At most %(max)d characters."))])
    submit = SubmitField(_l("Add the witness"))
