"""The property registry and the tax map: parcels, buildings, condominium units, owners and ownerships,
house registrations, signboards; their imports and exports, the staff tax map and the field survey."""
