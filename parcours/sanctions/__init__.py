"""Les manquements et les sanctions : constat, motif légitime, avis et observations, décision bornée, levée"""
