"""Les URL de l'offre (espace de noms « offre ») : chaque partie déclare les siennes dans son paquet."""

from offre.catalogue import urls as catalogue
from offre.echange import urls as echange
from offre.recherche import urls as recherche

app_name = "offre"

urlpatterns = catalogue.urlpatterns + recherche.urlpatterns + echange.urlpatterns
