"""Knowledge base: facts read from reports and the history of posts over time.

- ``facts``: ``Fact`` and ``facts_from_analyses`` (slots of claims -> facts about entities);
- ``history``: ``history`` (who held a post, current / superseded / disputed / undated);
- ``brief``: ``facts_for_brief`` (the brief JSON's ``facts`` list);
- ``store``: facts in the SQLite store (migration 2) and ``store_history``;
- ``console``: ``print_facts`` for ``marsad facts ENTITY``.
"""

from marsad.kb.brief import facts_for_brief
from marsad.kb.facts import Fact, Side, facts_from_analyses
from marsad.kb.history import HistoryRow, history

__all__ = ["Fact", "HistoryRow", "Side", "facts_for_brief", "facts_from_analyses", "history"]
