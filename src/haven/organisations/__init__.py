"""The tenant, its members, their roles and the access policy: the bottom Django layer of Haven."""
