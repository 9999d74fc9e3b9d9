from gouvernance.comptes_rendus.archivage import DELAI_RELANCE, seances_sans_compte_rendu
from gouvernance.comptes_rendus.taches import archiver_compte_rendu
from spie.pdf import ErreurPdf
from spie.traces import Commande


class Command(Commande):
    help = (
        "Relance l'archivage du compte rendu des séances clôturées depuis plus de "
        f"{int(DELAI_RELANCE.total_seconds() // 60)} minutes qui n'en ont pas (tâche perdue, worker tombé, "
        "échec du PDF). L'archivage est idempotent : une séance déjà archivée n'est pas refaite."
    )

    def handle(self, *args, **options):
        ids = list(seances_sans_compte_rendu().values_list("pk", flat=True))
        for seance_id in ids:
            try:
                archiver_compte_rendu.delay(seance_id)
            except ErreurPdf as erreur:  # seulement sans Redis (tâches immédiates) : on passe aux suivantes
                self.stderr.write(f"Séance {seance_id} : {erreur}")
        self.stdout.write(self.style.SUCCESS(f"{len(ids)} archivage(s) de compte rendu relancé(s)."))
