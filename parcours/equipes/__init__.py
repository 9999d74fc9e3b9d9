"""Les équipes pluridisciplinaires : membres, séances, dossiers (résumé partagé), avis puis décision du président"""
