"""Les URL de l'espace personnel (espace de noms « parcours », noms préfixés `espace_`) : celles de la personne sous
`/mon-espace/`, celles des professionnels sous `/carnets/<uuid>/…`."""

from parcours.espace import activation_urls, carnet_urls, documents_urls, partage_urls

urlpatterns = (
    activation_urls.urlpatterns + carnet_urls.urlpatterns + partage_urls.urlpatterns + documents_urls.urlpatterns
)
