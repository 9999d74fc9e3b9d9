from parcours.convocations import services
from spie.traces import Commande


class Command(Commande):
    help = (
        "Rappels par courriel des rendez-vous des 48 prochaines heures et relances des convocations sans réponse "
        "depuis 3 jours. Idempotente : relancée, elle n'envoie rien deux fois (lancée chaque heure par beat)."
    )

    def handle(self, *args, **options):
        relances = services.envoyer("relances")
        rappels = services.envoyer("rappels")
        self.stdout.write(f"{rappels} rappel(s) et {relances} relance(s) de convocation confiés à l'envoi.")
