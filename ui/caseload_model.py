"""The caseload table: a model over CaseloadRow DTOs and a filtering proxy.

Built for 100,000 rows. Measured on PySide6 6.12: letting QSortFilterProxyModel sort 100,000
rows itself takes ~40 s, because every comparison calls data() in Python twice; letting it
filter costs a Python filterAcceptsRow call per row on every reset (~0.35 s of GUI thread at
100,000 rows, with no filter typed). So the source model both sorts (one Python key sort) and
filters (a substring test over a lower-cased "haystack" per row, computed once when rows
arrive), and the proxy is an identity proxy, which maps only the rows the view asks for: a
sort-filter proxy mapped every row again on each filter, a call a row through PySide, each
taking the interpreter lock that a busy worker thread holds (issue 16).

A scope too big to bring in whole (a national register: 1,000,000 cases) is shown a page at a
time instead (set_paged): the database sorts and filters (services.caseload.caseload_page) and
the view asks for the next page through canFetchMore/fetchMore as it scrolls to the end.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from itertools import compress
from typing import Any, NamedTuple

from PySide6.QtCore import (
    QAbstractItemModel,
    QAbstractTableModel,
    QIdentityProxyModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QBrush, QColor, QFont

from rso_manager.services.caseload import RISK_ORDER, CaseloadRow, PageOfCases
from ui.kit.formatting import fmt_date, risk_label
from ui.kit.tables import RowRole, SortRole  # RowRole gives the CaseloadRow itself

(COL_REFERENCE, COL_NAME, COL_DOB, COL_RISK, COL_MANAGER, COL_TEAM, COL_VISIT, COL_NOTIFICATION,
 COL_FLAGS) = range(9)

HEADERS = ("Reference", "Name", "Date of birth", "Risk", "Officer", "Team",
           "Next home visit due", "Next notification due", "Flags")

OVERDUE = QColor("#b3261e")
HIGH_RISK = {"very_high": QColor("#b3261e"), "high": QColor("#9a4a00")}

_Index = QModelIndex | QPersistentModelIndex


# The caseload service flags a late visit or notification as "Visit overdue", "Notification
# overdue" (rso_manager/services/caseload.py): the Overdue view shows the rows with such a flag,
# the service's judgement, rather than judging the dates again here.
OVERDUE_FLAG_ENDING = " overdue"


def is_overdue(row: CaseloadRow) -> bool:
    """Something on this case is overdue, as the caseload service flagged it."""
    return any(flag.endswith(OVERDUE_FLAG_ENDING) for flag in row.flags)


def _text_key(value: str | None) -> str | None:
    return value.casefold() if value else None


# The raw value each column sorts by (None sorts last, whichever the direction).
_SORT_VALUE: dict[int, Callable[[CaseloadRow], Any]] = {
    COL_REFERENCE: lambda r: r.reference,
    COL_NAME: lambda r: r.name.casefold(),
    COL_DOB: lambda r: r.date_of_birth,
    COL_RISK: lambda r: RISK_ORDER.get(r.risk_level, 0),  # by severity, not alphabetically
    COL_MANAGER: lambda r: _text_key(r.offender_manager),
    COL_TEAM: lambda r: _text_key(r.team),
    COL_VISIT: lambda r: r.next_visit_due,
    COL_NOTIFICATION: lambda r: r.next_notification_due,
    COL_FLAGS: lambda r: len(r.flags) or None,
}


# The service's name for each column's sort, when the database sorts (a paged caseload).
SORT_KEYS: dict[int, str] = {
    COL_REFERENCE: "reference", COL_NAME: "name", COL_DOB: "date_of_birth", COL_RISK: "risk",
    COL_MANAGER: "officer", COL_TEAM: "team", COL_VISIT: "visit", COL_NOTIFICATION: "notification",
    COL_FLAGS: "flags",
}
DEFAULT_SORT = COL_VISIT  # most urgent first


class PageQuery(NamedTuple):
    """What a paged caseload asks the database for: its sort and its filter."""

    sort: str
    descending: bool
    words: tuple[str, ...]
    overdue_only: bool


# (query, offset, request number, rows or None for a page's worth) -> nothing: the page
# fetches on the worker and hands the result to CaseloadModel.add_page with the same request
# number.
PageFetcher = Callable[[PageQuery, int, int, int | None], None]


class PagedRows:
    """A paged caseload: the rows fetched so far, in the database's order."""

    def __init__(self, first: PageOfCases, in_scope: int, query: PageQuery, *, counted: bool = True) -> None:
        self.rows: list[CaseloadRow] = list(first.rows)
        # Not counted: no filter, so every case in scope.
        self.matching = first.matching if first.matching is not None else in_scope
        self.in_scope = in_scope  # at least this many until counted
        self.counted = counted
        self.query = query


class PreparedRows:
    """Rows plus what sorting and filtering need, computed once.

    Pure Python with no Qt objects, so the worker thread can build it along with the query
    (prepare_rows) and the GUI thread only swaps it in: at 100,000 rows that keeps ~0.5 s of
    sorting and indexing off the GUI thread.
    """

    def __init__(self, rows: Sequence[CaseloadRow], column: int = -1,
                 order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self.rows: list[CaseloadRow] = list(rows)
        self.haystacks: list[str] = [
            "\n".join((r.reference, r.name, r.offender_manager or "", r.team or "", *r.flags)).casefold()
            for r in self.rows
        ]
        self.overdue: list[bool] = [is_overdue(r) for r in self.rows]
        self._hits: dict[str, list[bool]] = {}
        self._shown_for: dict[tuple[Any, ...], list[int]] = {}
        self._keys: dict[int, list[Any]] = {}
        self._by_name: list[int] | None = None
        self.column, self.sort_order = column, order
        self.order: list[int] = self.sorted(column, order)

    def holding(self, order: list[int], word: str) -> list[int]:
        """The rows of ORDER (storage indexes) whose haystack holds WORD, in ORDER's order.

        A few rows are tested one by one. Many are tested in storage order, once per word (kept,
        so a word rubbed out and typed again costs nothing), and ORDER is then compressed
        against the result in C: testing 100,000 haystacks in sort order reads them scattered
        across memory, 3-4x slower than in the order they were made (issue 16)."""
        hits = self._hits.get(word)
        if hits is None:
            if len(order) * FEW_ROWS_SHARE < len(self.rows):
                hay = self.haystacks
                return [i for i in order if word in hay[i]]
            if len(self._hits) >= KEPT_WORDS:
                self._hits.clear()
            hits = self._hits[word] = [word in h for h in self.haystacks]
        return list(compress(order, map(hits.__getitem__, order)))

    def shown_before(self, key: tuple[Any, ...]) -> list[int] | None:
        """The rows a filter and sort (KEY) let through when last shown: rubbing out the letter
        just typed goes back to them at once, where finding them again among 100,000 rows took
        35 ms (issue 16)."""
        return self._shown_for.get(key)

    def keep_shown(self, key: tuple[Any, ...], shown: list[int]) -> None:
        if len(self._shown_for) >= KEPT_FILTERS:
            del self._shown_for[next(iter(self._shown_for))]  # the oldest
        self._shown_for[key] = shown

    def keys(self, column: int) -> list[Any]:
        """The column's raw values, cheap to compare (dates as day numbers); cached."""
        keys = self._keys.get(column)
        if keys is None:
            value = _SORT_VALUE[column]
            keys = [value(r) for r in self.rows]
            if column in (COL_DOB, COL_VISIT, COL_NOTIFICATION):
                keys = [k.toordinal() if k is not None else None for k in keys]
            self._keys[column] = keys
        return keys

    def sorted(self, column: int, order: Qt.SortOrder) -> list[int]:
        if column not in _SORT_VALUE:
            return list(range(len(self.rows)))
        if self._by_name is None:
            names = [r.name.casefold() for r in self.rows]
            self._by_name = sorted(range(len(names)), key=names.__getitem__)
        keys = self.keys(column)
        # Two stable passes: name order first, so equal keys (same risk, same date) list
        # alphabetically in either direction; then one C-level sort on a single key per row.
        present = [i for i in self._by_name if keys[i] is not None]
        missing = [i for i in self._by_name if keys[i] is None]
        present.sort(key=keys.__getitem__, reverse=order == Qt.SortOrder.DescendingOrder)
        return present + missing


FEW_ROWS_SHARE = 8  # a word looked for among under an eighth of the rows is tested row by row
KEPT_WORDS = 32  # the words whose rows PreparedRows keeps (a list of bools each: 0.8 MB at 100,000)
KEPT_FILTERS = 16  # the filters whose shown rows PreparedRows keeps (at most 0.8 MB each at 100,000)


def narrows(before: tuple[str, ...], after: tuple[str, ...]) -> bool:
    """Every row holding the words AFTER also holds the words BEFORE (a word typed on, or
    another word added), so AFTER's rows are found among BEFORE's."""
    return len(after) >= len(before) and all(old in new for old, new in zip(before, after, strict=False))


def prepare_rows(rows: Sequence[CaseloadRow], column: int = -1,
                 order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> PreparedRows:
    """For the worker thread: index and sort rows ready for CaseloadModel.set_prepared."""
    return PreparedRows(rows, column, order)


class CaseloadModel(QAbstractTableModel):
    """Rows never move in storage: `order` is every row's storage index in sort order, and
    `shown` the part of it the filter lets through, one per model row; a sort or a filter only
    recomputes a list of integers."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._p = PreparedRows([])
        self._shown: list[int] = []
        self._words: tuple[str, ...] = ()
        self._overdue_only = False
        self._today: date | None = None
        self._sort_column, self._sort_order = -1, Qt.SortOrder.AscendingOrder
        self._bold = QFont()
        self._bold.setBold(True)
        self._overdue = QBrush(OVERDUE)
        self._risk_brush = {k: QBrush(v) for k, v in HIGH_RISK.items()}
        self._paged: PagedRows | None = None
        self._fetch: PageFetcher | None = None
        self._request = 0  # the latest page asked for; older answers are dropped
        self._fetching = False

    # --- loading ----------------------------------------------------------------------------

    def set_rows(self, rows: Sequence[CaseloadRow], today: date) -> None:
        """Replace everything in one reset (no per-row signals), keeping the current sort."""
        self.set_prepared(PreparedRows(rows, self._sort_column, self._sort_order), today)

    def set_prepared(self, prepared: PreparedRows, today: date) -> None:
        self._paged, self._fetch, self._fetching = None, None, False
        self._request += 1
        if (prepared.column, prepared.sort_order) != (self._sort_column, self._sort_order):
            # The user changed the sort while the rows were loading.
            prepared.order = prepared.sorted(self._sort_column, self._sort_order)
            prepared.column, prepared.sort_order = self._sort_column, self._sort_order
        self.beginResetModel()
        self._p = prepared
        self._shown = self._filtered(prepared.order)
        self._today = today
        self.endResetModel()

    def page_query(self) -> PageQuery:
        """The sort and filter shown now, as the database is asked for them."""
        column = self._sort_column if self._sort_column in SORT_KEYS else DEFAULT_SORT
        descending = self._sort_order == Qt.SortOrder.DescendingOrder and self._sort_column in SORT_KEYS
        return PageQuery(SORT_KEYS[column], descending, self._words, self._overdue_only)

    def set_paged(self, paged: PagedRows, today: date, fetch: PageFetcher) -> None:
        """Show the first page of a caseload sorted and filtered by the database; FETCH asks
        for more pages (fetchMore) and for the first page again when the sort or filter changes."""
        self.beginResetModel()
        self._paged, self._fetch, self._fetching = paged, fetch, False
        self._request += 1
        self._p = PreparedRows([])
        self._p.rows = paged.rows
        self._shown = list(range(len(paged.rows)))
        self._today = today
        self.endResetModel()

    def set_in_scope(self, cases: int) -> None:
        """The paged scope's count, arrived after its first page."""
        paged = self._paged
        if paged is None:
            return
        if not (paged.query.words or paged.query.overdue_only) and paged.matching == paged.in_scope:
            paged.matching = cases  # no filter: every case in scope matches
        paged.in_scope, paged.counted = cases, True

    @property
    def counted(self) -> bool:
        """Every case in the list is counted (a paged one is counted after its first page)."""
        return self._paged is None or self._paged.counted

    @property
    def paged(self) -> bool:
        return self._paged is not None

    @property
    def fetching(self) -> bool:
        """A page asked of the database has not arrived yet."""
        return self._fetching

    def _ask(self, offset: int, rows: int | None = None) -> None:
        assert self._paged is not None and self._fetch is not None
        self._request += 1
        self._fetching = True
        self._fetch(self.page_query(), offset, self._request, rows)

    def rows_not_loaded(self) -> int | None:
        """The cases of the list not fetched yet: 0 for a list loaded whole, None while a paged
        list's cases are still being counted."""
        paged = self._paged
        if paged is None:
            return 0
        if not paged.counted:
            return None
        return max(paged.matching - len(paged.rows), 0)

    def fetch_rest(self) -> bool:
        """Ask the database for every case not fetched yet, in one request (an export saves the
        whole list, not the pages scrolled through). False if nothing was asked."""
        missing = self.rows_not_loaded()
        if not missing or self._paged is None or self._fetching:
            return False
        self._ask(len(self._paged.rows), missing)
        return True

    def add_page(self, request: int, page: PageOfCases) -> None:
        """A page the database sent for REQUEST: the next rows, or (offset 0) a new first
        page for a changed sort or filter. An answer to an older request is dropped."""
        if request != self._request or self._paged is None:
            return
        self._fetching = False
        paged = self._paged
        if page.offset == 0:
            self.layoutAboutToBeChanged.emit()
            old_indexes = self.persistentIndexList()
            old_ids = [self._p.rows[i.row()].offender_id for i in old_indexes]
            paged.rows = self._p.rows = list(page.rows)
            paged.matching = page.matching if page.matching is not None else paged.in_scope
            self._shown = list(range(len(paged.rows)))
            if old_indexes:
                position = {r.offender_id: n for n, r in enumerate(paged.rows)}
                self.changePersistentIndexList(old_indexes, [
                    self.index(position[oid], i.column()) if oid in position else QModelIndex()
                    for i, oid in zip(old_indexes, old_ids, strict=True)])
            self.layoutChanged.emit()
            return
        if page.offset != len(paged.rows) or not page.rows:
            return
        first = len(paged.rows)
        self.beginInsertRows(QModelIndex(), first, first + len(page.rows) - 1)
        paged.rows.extend(page.rows)
        self._shown.extend(range(first, len(paged.rows)))
        self.endInsertRows()

    def page_failed(self, request: int) -> None:
        if request == self._request:
            self._fetching = False

    def canFetchMore(self, parent: _Index = QModelIndex()) -> bool:  # noqa: B008, N802
        paged = self._paged
        return (paged is not None and not parent.isValid() and not self._fetching
                and len(paged.rows) < paged.matching)

    def fetchMore(self, parent: _Index = QModelIndex()) -> None:  # noqa: B008, N802
        if self.canFetchMore(parent) and self._paged is not None:
            self._ask(len(self._paged.rows))

    @property
    def order(self) -> list[int]:
        return self._p.order

    @property
    def total(self) -> int:
        """Every case in the list: every row loaded, or every case in a paged scope, whatever
        the filter lets through."""
        if self._paged is not None:
            return self._paged.in_scope
        return len(self._p.rows)

    @property
    def shown_count(self) -> int:
        """The cases the filter lets through (a paged list has fetched only some of them)."""
        if self._paged is not None:
            return self._paged.matching
        return len(self._shown)

    @property
    def sort_state(self) -> tuple[int, Qt.SortOrder]:
        return self._sort_column, self._sort_order

    def row_at(self, row: int) -> CaseloadRow:
        return self._p.rows[self._shown[row]]

    def row_for_offender(self, offender_id: int) -> int | None:
        rows = self._p.rows
        for position, storage in enumerate(self._shown):
            if rows[storage].offender_id == offender_id:
                return position
        return None

    # --- Qt model interface -------------------------------------------------------------------

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._shown)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:  # noqa: N802
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(HEADERS):
            if role == Qt.ItemDataRole.DisplayRole:
                return HEADERS[section]
            if role == Qt.ItemDataRole.ToolTipRole and section == COL_RISK:
                return "Sorts by severity: very high, high, medium, low, not assessed"
            if role == Qt.ItemDataRole.ToolTipRole and section == COL_MANAGER:
                return "The case's offender manager"
        return None

    def flags(self, index: _Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row, col = index.row(), index.column()
        shown = self._shown
        if not (0 <= row < len(shown)) or not (0 <= col < len(HEADERS)):
            return None
        r = self._p.rows[shown[row]]
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(r, col)
        if role == SortRole:
            return _SORT_VALUE[col](r)
        if role == Qt.ItemDataRole.ForegroundRole:
            if self._is_overdue(r, col):
                return self._overdue
            if col == COL_RISK:
                return self._risk_brush.get(r.risk_level or "")
            return None
        if role == Qt.ItemDataRole.FontRole:
            if self._is_overdue(r, col) or (col == COL_RISK and r.risk_level == "very_high"):
                return self._bold
            return None
        if role == Qt.ItemDataRole.ToolTipRole:
            if self._is_overdue(r, col):
                return "Overdue"
            if col == COL_FLAGS and r.flags:
                return "\n".join(r.flags)
            if col == COL_NAME:
                return r.name  # in full, when a long name is cut short
            return None
        if role == RowRole:
            return r
        return None

    def _display(self, r: CaseloadRow, col: int) -> str:
        if col == COL_REFERENCE:
            return r.reference
        if col == COL_NAME:
            return r.name
        if col == COL_DOB:
            return fmt_date(r.date_of_birth)
        if col == COL_RISK:
            return risk_label(r.risk_level)
        if col == COL_MANAGER:
            return r.offender_manager or "Unallocated"
        if col == COL_TEAM:
            return r.team or ""
        if col == COL_VISIT:
            return fmt_date(r.next_visit_due, "Not planned")
        if col == COL_NOTIFICATION:
            return fmt_date(r.next_notification_due, "")
        return "; ".join(r.flags)

    def _is_overdue(self, r: CaseloadRow, col: int) -> bool:
        # Display only: a due date before today (the injected clock's) shows in red, as the
        # core's "overdue" flags do.
        if self._today is None:
            return False
        if col == COL_VISIT:
            return r.next_visit_due is not None and r.next_visit_due < self._today
        if col == COL_NOTIFICATION:
            return r.next_notification_due is not None and r.next_notification_due < self._today
        return False

    # --- sorting --------------------------------------------------------------------------------

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if (column, order) == (self._sort_column, self._sort_order):
            return  # the view asks twice (header indicator and sortByColumn); once is enough
        self._sort_column, self._sort_order = column, order
        if self._paged is not None:
            self._ask(0)  # the database sorts: the first page again, in the new order
            return
        self._p.order = self._p.sorted(column, order)
        self._p.column, self._p.sort_order = column, order
        self._relayout()

    # --- filtering ------------------------------------------------------------------------------

    @property
    def filter_words(self) -> tuple[str, ...]:
        return self._words

    @property
    def overdue_only(self) -> bool:
        return self._overdue_only

    def set_filter(self, words: tuple[str, ...], overdue_only: bool) -> None:
        """Show only the rows holding every one of WORDS (lower-cased), and with OVERDUE_ONLY only
        those with something overdue."""
        if (words, overdue_only) == (self._words, self._overdue_only):
            return
        # Typing on narrows what is shown already, in its order: no need to start from every row.
        within = self._shown if overdue_only == self._overdue_only and narrows(self._words, words) else None
        self._words, self._overdue_only = words, overdue_only
        if self._paged is not None:
            self._ask(0)
            return
        self._relayout(within)

    def _filtered(self, order: list[int]) -> list[int]:
        for word in self._words:  # each word narrows what the one before let through
            order = self._p.holding(order, word)
        if self._overdue_only:
            order = list(compress(order, map(self._p.overdue.__getitem__, order)))
        return order

    def _relayout(self, within: list[int] | None = None) -> None:
        """Sorted or filtered anew (from the rows WITHIN, in sort order, when the filter only
        narrows): one layoutChanged, the selection following its rows (one the filter hides is
        dropped), as QSortFilterProxyModel.invalidate() does."""
        self.layoutAboutToBeChanged.emit()
        old_indexes = self.persistentIndexList()
        old_storage = [self._shown[i.row()] for i in old_indexes]
        key = (self._p.column, self._p.sort_order, self._words, self._overdue_only)
        shown = self._p.shown_before(key)
        if shown is None:
            shown = self._filtered(self._p.order if within is None else within)
            self._p.keep_shown(key, shown)
        self._shown = shown
        if old_indexes:
            position = _positions(self._shown, set(old_storage))
            self.changePersistentIndexList(old_indexes, [
                self.index(position[s], i.column()) if s in position else QModelIndex()
                for i, s in zip(old_indexes, old_storage, strict=True)])
        self.layoutChanged.emit()


FEW_SELECTED = 32  # selected rows found one by one with list.index; more by one pass over SHOWN


def _positions(shown: list[int], storage: set[int]) -> dict[int, int]:
    """Where each of STORAGE is in SHOWN, for those it holds. The selection is a row or two:
    list.index finds each in C, where a map of every shown row cost ~10 ms at 100,000."""
    if len(storage) > FEW_SELECTED:
        return {s: r for r, s in enumerate(shown) if s in storage}
    found = {}
    for s in storage:
        try:
            found[s] = shown.index(s)
        except ValueError:
            pass
    return found


class CaseloadFilterProxy(QIdentityProxyModel):
    """Instant, case-insensitive filter over reference, name, offender manager, team and flags.

    Every word typed must appear ("smith john" finds "SMITH, John"); with overdue_only, only the
    cases with something overdue are shown as well. Sorting and filtering are passed to the
    source model, which does both over plain lists far faster than a proxy could; this one
    maps rows one to one, only those asked for.
    """

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._source: CaseloadModel | None = None

    def setSourceModel(self, model: QAbstractItemModel) -> None:  # noqa: N802
        if not isinstance(model, CaseloadModel):
            raise TypeError("CaseloadFilterProxy filters a CaseloadModel")
        self._source = model
        super().setSourceModel(model)

    @property
    def source(self) -> CaseloadModel:
        assert self._source is not None
        return self._source

    @property
    def filter_text(self) -> str:
        return " ".join(self.source.filter_words)

    def set_filter_text(self, text: str) -> None:
        self.source.set_filter(tuple(text.casefold().split()), self.source.overdue_only)

    @property
    def overdue_only(self) -> bool:
        return self.source.overdue_only

    def set_overdue_only(self, on: bool) -> None:
        self.source.set_filter(self.source.filter_words, on)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self.source.sort(column, order)

    def row_at(self, proxy_row: int) -> CaseloadRow:
        return self.source.row_at(self.mapToSource(self.index(proxy_row, 0)).row())
