"""Les orientations d'une personne vers un service de l'offre : prescription, réponse de la structure (boîte de
réception ou lien signé), cycle de vie, relances et expiration."""
