"""
The vault: envelope encryption, blind indexes and crypto-shredding for Haven's sensitive data.

Key hierarchy (``docs/vault.md`` has the full picture)::

    master key (HAVEN_MASTER_KEY / HAVEN_MASTER_KEY_FILE; never stored in the database)
      └─ organisation keys (data and blind-index purposes, versioned; ``OrganisationKey``)
           ├─ blind-index subkeys, HKDF per table, field and index
           └─ data keys, one per case and per defender (``DataKey``)
                ├─ encrypted model fields (``haven.vault.fields``)
                └─ attachment keys, one per file (``haven.vault.files``)

Modules, from the bottom up: ``aead`` (the only place that calls AES-GCM), ``masterkey``,
``models``, ``keyring`` (unwrapping and per-operation caching), ``fields``, ``blind_index``,
``files``, ``system_secrets``, ``rotation``, ``archives`` (age) and ``backup``.
"""
