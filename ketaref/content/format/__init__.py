"""What a content pack is and the checks that read it: YAML, quantities, models, the loader."""
