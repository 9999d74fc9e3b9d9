"""Tests de propriété (Hypothesis) : aucune entrée, sur aucun formulaire, vue qui écrit ou importeur, ne donne une
erreur 500 ni une écriture partielle (issue 11, « Bad input »). Voir docs/RELIABILITY.md, « Entrées invalides »."""
