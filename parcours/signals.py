"""Les signaux du parcours, pour les applications qui en dépendent (elles ne sont pas importées par le parcours)."""

from django.dispatch import Signal

# Envoyé dans la transaction d'un lot d'anonymisation (`parcours.conservation`), argument `ids` : les carnets
# anonymisés. Une application qui garde des textes sur ces carnets les efface là, en une requête par lot.
carnets_anonymises = Signal()
