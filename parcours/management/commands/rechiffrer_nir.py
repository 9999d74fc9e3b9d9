"""Rotation des clés du NIR : rechiffre chaque NIR par la première clé de SPIE_CLES_NIR et recalcule son empreinte
par SPIE_CLE_EMPREINTE_NIR. Simulation par défaut (le nombre de NIR à rechiffrer) ; --wet-run pour écrire.
Ensuite seulement, l'ancienne clé peut quitter SPIE_CLES_NIR. Aucun NIR n'est écrit dans la sortie."""

from django.db import transaction

from parcours import nir
from parcours.models import Personne
from spie.traces import Commande

LOT = 1000


class Command(Commande):
    help = __doc__

    def add_arguments(self, parser):
        parser.add_argument("--wet-run", action="store_true", help="Rechiffrer pour de bon (sinon : simulation).")

    def handle(self, *args, wet_run, **options):
        personnes = Personne.objects.exclude(nir_chiffre="").only("pk", "nir_chiffre", "nir_empreinte").order_by("pk")
        a_rechiffrer = [p for p in personnes.iterator(chunk_size=LOT) if not nir.a_jour(p.nir_chiffre, p.nir_empreinte)]
        if wet_run:
            with transaction.atomic():
                for personne in a_rechiffrer:
                    clair = nir.dechiffrer(personne.nir_chiffre)
                    personne.nir_chiffre, personne.nir_empreinte = (
                        nir.rechiffrer(personne.nir_chiffre),
                        nir.empreinte(clair),
                    )
                Personne.objects.bulk_update(a_rechiffrer, ["nir_chiffre", "nir_empreinte"], batch_size=LOT)
        verbe = "rechiffré(s)" if wet_run else "à rechiffrer (simulation : --wet-run pour écrire)"
        self.stdout.write(f"{len(a_rechiffrer)} NIR {verbe}.")
