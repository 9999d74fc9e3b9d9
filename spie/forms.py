from django.forms.renderers import TemplatesSetting


class RenduDsfr(TemplatesSetting):
    """Rendu des formulaires au système de design de l'État (DSFR), pour tous les formulaires du site."""

    form_template_name = "spie/formulaires/formulaire.html"
    field_template_name = "spie/formulaires/champ.html"


def reporter_erreurs(form, erreur) -> None:
    """Reporte la ValidationError d'un service sur le formulaire : sur le champ concerné, sinon en erreur générale."""
    if hasattr(erreur, "error_dict"):
        for champ, erreurs in erreur.error_dict.items():
            form.add_error(champ if champ in form.fields else None, erreurs)
    else:
        form.add_error(None, erreur)
