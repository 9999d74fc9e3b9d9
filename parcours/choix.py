"""Permissions objet du carnet, données aux organisations qui accompagnent la personne."""

VOIR_CARNET = "parcours.view_carnet"
MODIFIER_CARNET = "parcours.change_carnet"
VOIR_DONNEES_SENSIBLES = "parcours.voir_donnees_sensibles"
PERMISSIONS_DU_PARTAGE = (VOIR_CARNET, MODIFIER_CARNET)
