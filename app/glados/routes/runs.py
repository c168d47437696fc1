"""The runs resource: create, list, read, start, stop, close positions, delete."""

from __future__ import annotations

from flask import Blueprint, Response

from app.glados import run_cursor
from app.glados.api import endpoint
from app.glados.context import services
from app.glados.run_page_json import metric_numbers, run_page_response
from app.glados.schemas.runs import DeleteQuery, RunOut, RunPage, RunQuery
from app.services.idempotency import Claim
from app.services.short_ids import no_such_run
from app.services.specs import RunCreate, RunStop
from app.walle.repositories import RunFilter, RunRecords, RunRepository
from app.walle.repositories.run_pages import RunPages, reading

bp = Blueprint("runs", __name__, url_prefix="/api/v1/runs")


def run_out(run_id: str) -> RunOut:
    with services().container.read_session() as session:
        run = RunRepository(session).get(run_id)
        if run is None:
            raise no_such_run(run_id)
        out = RunOut.model_validate(run)
        out.metrics = metric_numbers(RunRecords(session).metrics(run_id))
        return out


@endpoint(bp, "", "POST", summary="Create a run", body=RunCreate, response=RunOut, status=201, errors=(422,),
          idempotent=run_out)
def create_run(body: RunCreate, claim: Claim | None = None) -> RunOut:
    """Validates the strategy parameters against the strategy's schema; a backtest also needs stored
    bars for every symbol. With `start_now`, the run is queued at once. Retry safely with an
    `Idempotency-Key` header."""
    run = services().runs.create(body, claim)
    return run_out(run.id)


@endpoint(bp, "", summary="List runs, newest first unless sorted otherwise", query=RunQuery, response=RunPage)
def list_runs(query: RunQuery) -> Response:
    """`sort` orders every matching run before paginating, so pages follow on; runs without the
    sorted metric come last in either order, and ties keep the newest first. Follow `next_cursor`
    (`?cursor=`) rather than `page` through many runs: each page then costs the same however deep.
    `total` counts up to 1,000 runs (`total_exact` false: there are more); past a page that counted more,
    the cursor's pages say so without counting again. `cells=hide` leaves sweep
    cells out (each sweep is one row of `GET /sweeps`; `sweep_id=` lists its cells), and a walk-forward's
    out-of-sample and contrast runs (its row of `GET /walkforwards` links them)."""
    filters = RunFilter(mode=query.mode, status=query.status, strategy=query.strategy, sweep_id=query.sweep_id,
                        cells=query.cells)
    descending = query.order == "desc"
    with reading(services().container.pages_engine) as conn:
        pages = RunPages(conn)
        if query.cursor is not None or query.page == 1:
            position, past_cap = None, False
            if query.cursor is not None:
                position, past_cap = run_cursor.decode(query.cursor, query.sort, query.order)
            found = pages.after(filters, limit=query.per_page, sort=query.sort, descending=descending,
                                position=position, count=not past_cap)
        else:  # a numbered page: costs grow with the page number
            found = pages.numbered(filters, limit=query.per_page, offset=query.offset, sort=query.sort,
                                   descending=descending)
    last = found.last if found.more else None  # a full last page has no next page: no cursor to an empty one
    cursor = None if last is None else run_cursor.encode(query.sort, query.order, last, past_cap=not found.exact)
    return run_page_response(found, query, cursor)


@endpoint(bp, "/<run_id>", summary="One run with its metrics", response=RunOut)
def get_run(run_id: str) -> RunOut:
    return run_out(run_id)


@endpoint(bp, "/<run_id>/start", "POST", summary="Start (queue) a run", response=RunOut, status=202, errors=(409,))
def start_run(run_id: str) -> RunOut:
    services().runs.start(run_id)
    return run_out(run_id)


@endpoint(bp, "/<run_id>/stop", "POST", summary="Stop or cancel a run", body=RunStop, response=RunOut, status=202,
          errors=(409, 422))
def stop_run(run_id: str, body: RunStop) -> RunOut:
    """A running backtest is cancelled within 2 s. A paper or live run stops ticking and its open orders
    are cancelled at the broker, so none keeps filling after the stop; send `{"cancel_orders": false}`
    to leave them working there. The body may be left out (the defaults apply). The stop is done by
    the live worker: the `run.orders_cancelled` event, just before `run.stopped`, lists the client
    order ids cancelled and those left open. `{"close_positions": true}` then closes what the run holds,
    one market order per symbol booked as the run's own (`run.positions_closed` says what each became);
    without it the positions stay open at the broker."""
    services().runs.stop(run_id, body)
    return run_out(run_id)


@endpoint(bp, "/<run_id>/close-positions", "POST", summary="Close a stopped paper or live run's positions at market",
          response=RunOut, status=202, errors=(409,))
def close_positions(run_id: str) -> RunOut:
    """One market order per symbol the run holds, sent by the live worker and booked as the run's own orders
    and fills (its cash and final equity include them); the run stays stopped. The `run.positions_closed`
    event says what each close became (filled, or still working at the broker: a closed market, say). A 409
    while the run is running (stop it with `close_positions`), for a backtest, or when it holds nothing."""
    services().runs.close_positions(run_id)
    return run_out(run_id)


@endpoint(bp, "/<run_id>", "DELETE", summary="Delete a finished run and its records (409 while it runs, for a "
          "run of a walk-forward, or for a paper or live run still holding positions unless forced)", query=DeleteQuery,
          status=204, errors=(409,))
def delete_run(run_id: str, query: DeleteQuery) -> None:
    """A paper or live run that stopped holding positions keeps them at the broker: deleting it would leave
    them there owned by no run (and every start's reconciliation would report them), so it is a 409 listing
    them, unless `force=true`."""
    services().runs.delete(run_id, force=query.force)
