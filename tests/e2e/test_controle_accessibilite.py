"""Le contrôle d'accessibilité des parcours sait échouer : une page fautive est refusée."""

import pytest


def test_une_page_avec_une_image_sans_alternative_et_un_champ_sans_etiquette_est_refusee(base, ouvrir, controler):
    page = ouvrir()
    page.goto(f"{base}/sante/")
    page.set_content('<html lang="fr"><body><main><img src="x.png"><input type="text"></main></body></html>')
    with pytest.raises(AssertionError, match="image-alt.*critical|label.*critical"):
        controler(page, "page-fautive")
