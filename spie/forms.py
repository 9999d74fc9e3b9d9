from django.forms.renderers import TemplatesSetting


class RenduDsfr(TemplatesSetting):
    """Rendu des formulaires au système de design de l'État (DSFR), pour tous les formulaires du site."""

    form_template_name = "spie/formulaires/formulaire.html"
    field_template_name = "spie/formulaires/champ.html"
