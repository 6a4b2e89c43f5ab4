"""
Cases, the defenders they protect, and notes: the first records the vault protects.

Identity and contact data live on ``Defender`` under the defender's own data key; case facts,
external references and notes live under the case's data key. Erasing a case destroys its key (and
the keys of defenders no other case refers to); the rows stay as tombstones whose encrypted
fields raise ``KeyDestroyedError``.
"""
