"""L'espace personnel de la personne accompagnée (« /mon-espace/ ») : activation (`activation*`), son carnet et sa
parole (`carnet_views`, `parole`), ses partages, consentements, oppositions et les consultations de son carnet
(`partage*`), ses documents et ses évaluations (`exports`, `evaluation*`). Les pages de la personne passent par
`acces.personne_requise` ; le middleware `partenaires.middleware.ComptesSeparesMiddleware` la tient dans son espace."""
