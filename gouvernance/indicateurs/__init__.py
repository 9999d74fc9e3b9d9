"""Les indicateurs du territoire : définitions écrites, périodes comparées, secret statistique, graphiques SVG, CSV"""
