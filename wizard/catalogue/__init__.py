"""The 403 cause catalogue as data: the product's vocabulary (ids from docs/reference/403-causes.md)."""

from wizard.catalogue.model import Catalogue, Cause, Fix, Operation, load_catalogue

__all__ = ["Catalogue", "Cause", "Fix", "Operation", "load_catalogue"]
