"""Survey importers: one respondent per row from CSV/XLSX, Qualtrics, REDCap, Microsoft Forms, SPSS or Parquet.

Every format ends in the same place (:func:`mindthegap.io.surveys.mapping.map_responses`): columns matched to
instrument items by id or label, text answers turned into codes through the item's scale, respondent attributes
matched to the study's structure, and a validation report naming the row and column of each problem.
"""

from mindthegap.io.surveys.formats import FORMATS, import_survey, read_raw
from mindthegap.io.surveys.mapping import ImportResult, Problem, map_responses

__all__ = ["FORMATS", "ImportResult", "Problem", "import_survey", "map_responses", "read_raw"]
