"""L'orientation : file d'attente avec le délai légal, décisions notifiées, réorientations, transferts de territoire."""
