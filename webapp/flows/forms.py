from flask_wtf import FlaskForm
from wtforms import SelectMultipleField, TextAreaField
from wtforms.validators import DataRequired, Length
from wtforms.widgets import CheckboxInput, ListWidget


class AgreementForm(FlaskForm):
    text = TextAreaField("De afspraak", validators=[DataRequired("Schrijf de afspraak op."), Length(max=2000)],
                         description="Kort en concreet: wie doet wat, en wanneer. Bijv. 'Bel bij een planbare "
                                     "noodsituatie eerst de opco; de wijkagent is 's avonds niet bereikbaar.'")
    contacts = SelectMultipleField("Nummers uit het contactenboek", coerce=int, widget=ListWidget(prefix_label=False),
                                   option_widget=CheckboxInput(),
                                   description="Deze nummers komen als belknop bij de stap.")
