"""Regions (werkgebieden), municipalities, postcode areas and organisations."""
