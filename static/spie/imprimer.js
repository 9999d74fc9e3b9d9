// Les boutons « Imprimer » (attribut data-imprimer) : ouvrent la boîte d'impression du navigateur.
// Un fichier à part : le projet n'a pas de JavaScript en ligne.
document.querySelectorAll("[data-imprimer]").forEach(function (bouton) {
  bouton.addEventListener("click", function () {
    window.print();
  });
});
