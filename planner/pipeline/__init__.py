"""The build pipeline: USDA releases (SR28, FNDDS) → the shipped tables in ``data/``.

``download`` fetches and verifies the releases, ``usda`` reads them, ``build`` classifies
and writes the tables. It may import the model (diet and reliability rules), the I/O
layer (the user's folder for downloads) and the base; nothing imports it but the public
face.
"""
