"""nbgrader's cell-metadata check, with its JSON schema checked once per worker.

nbgrader validates each cell's metadata with ``jsonschema.validate``, which
first checks the schema itself against the JSON Schema meta-schema: for a schema
that never changes, about 0.1 s of CPU per submission (twice 35 cells). Here the
validator is built once; the checks and their errors are nbgrader's.
"""

from __future__ import annotations

import traceback

import jsonschema
from jsonschema.exceptions import best_match
from nbgrader.nbgraderformat import MetadataValidator, SchemaTooNewError, SchemaTooOldError, ValidationError
from nbgrader.nbgraderformat.common import BaseMetadataValidator
from nbgrader.preprocessors import CheckCellMetadata

_VALIDATORS: dict[int, object] = {}  # schema version -> validator of a checked schema


def _validator(version: int, schema: dict):
    if version not in _VALIDATORS:
        cls = jsonschema.validators.validator_for(schema)
        cls.check_schema(schema)
        _VALIDATORS[version] = cls(schema)
    return _VALIDATORS[version]


class _SchemaOnce(BaseMetadataValidator):
    """Takes the base class's place under nbgrader's validator (see the MRO below):
    the same version check, then the schema, with a validator built once."""

    def validate_cell(self, cell) -> None:
        if "nbgrader" not in cell.metadata:
            return
        version = cell.metadata["nbgrader"].get("schema_version", 0)
        if version < self.schema_version:
            raise SchemaTooOldError(f"Outdated schema version: {version} (expected {self.schema_version})",
                                    version, self.schema_version)
        if version > self.schema_version:
            raise SchemaTooNewError(f"Schema version is too new: {version} (expected {self.schema_version})",
                                    version, self.schema_version)
        error = best_match(_validator(self.schema_version, self.schema).iter_errors(cell.metadata["nbgrader"]))
        if error is not None:
            raise error


class SchemaOnceMetadataValidator(MetadataValidator, _SchemaOnce):
    """nbgrader's validator; its ``super().validate_cell`` now reaches ``_SchemaOnce``."""


class CheckCellMetadataOnce(CheckCellMetadata):
    """nbgrader's CheckCellMetadata with the quicker validator (same log and error)."""

    def preprocess(self, nb, resources):
        try:
            SchemaOnceMetadataValidator().validate_nb(nb)
        except ValidationError:
            self.log.error(traceback.format_exc())
            msg = "Notebook failed to validate; the nbgrader metadata may be corrupted."
            self.log.error(msg)
            raise ValidationError(msg)
        return nb, resources
