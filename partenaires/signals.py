from django.dispatch import Signal

# Envoyé par `charger_demo` une fois les organisations et les comptes prêts, avec `organisations`
# (clé → Organisation). Les applications plus hautes (parcours…) y ajoutent leurs données de démonstration
# et répondent par une phrase qui résume ce qu'elles ont créé.
demo_chargee = Signal()
