"""Account management forms."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional, Regexp

from portal.auth import audit
from portal.auth.policy import Role

ROLE_LABELS = {Role.EMPLOYEE: _l("Employee"), Role.MANAGER: _l("Manager"), Role.HR: _l("HR"), Role.ADMIN: _l("Admin")}

AUDIT_LABELS = {
    audit.SIGNED_IN: _l("Signed in"), audit.SIGN_IN_FAILED: _l("Failed sign-in"),
    audit.SIGN_IN_THROTTLED: _l("Sign-in refused: too many failures"), audit.SIGNED_OUT: _l("Signed out"),
    audit.CREATED: _l("Account created"), audit.INVITED: _l("Invitation issued"), audit.ACTIVATED: _l("Account activated"),
    audit.ROLE_CHANGED: _l("Role changed"), audit.DEACTIVATED: _l("Deactivated"), audit.REACTIVATED: _l("Reactivated"),
    audit.PASSWORD_CHANGED: _l("Password changed"), audit.RESET_ISSUED: _l("Reset link issued"),
    audit.RESET_REDEEMED: _l("Reset link used"), audit.SSO_SIGNED_IN: _l("Signed in with single sign-on"),
    "api_token_created": _l("API token created"), "api_token_revoked": _l("API token revoked"),
    "api_write": _l("Written through the API"),
}


def role_field() -> SelectField:
    return SelectField(_l("Role"), choices=[SelectChoice(r.value, label) for r, label in ROLE_LABELS.items()],
                       validators=[DataRequired(_l("Choose a role."))])


class AccountForm(FlaskForm):
    username = StringField(
        _l("Username"),
        validators=[DataRequired(_l("Enter a username.")), Length(max=64, message=_l("At most %(max)d characters.")),
                    Regexp(r"^[A-Za-z0-9][A-Za-z0-9._-]{1,63}$",
                           message=_l("Use 2–64 letters, digits, dots, dashes or underscores."))],
        render_kw={"autocapitalize": "none"},
    )
    role = role_field()
    employee_number = StringField(
        _l("Employee number"), validators=[Optional(), Length(max=20, message=_l("At most %(max)d characters."))],
        description=_l("Leave empty for an account without an employee record (an HR officer from outside, an administrator)."),
    )


class RoleForm(FlaskForm):
    role = role_field()


class ActionForm(FlaskForm):
    """A button that changes something: only the CSRF token."""
