"""What happens to a pack between its author and a clinic: seal, signatures, site packs, diff."""
