from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import DateField
from wtforms.validators import Optional, ValidationError

DATE_ERROR = "Vul een geldige datum in (dag-maand-jaar)."


class DutchDateField(DateField):
    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError(DATE_ERROR) from None


class PeriodForm(FlaskForm):
    """The period of an audit view; a GET form (a link can be shared), so no CSRF token."""

    class Meta:
        csrf = False

    start = DutchDateField("Van", validators=[Optional()], render_kw={"autocomplete": "off"})
    end = DutchDateField("Tot en met", validators=[Optional()], render_kw={"autocomplete": "off"})

    def validate_end(self, field):
        if field.data and self.start.data and field.data < self.start.data:
            raise ValidationError("Deze datum ligt vóór de begindatum.")
