"""`GET /v1beta1/news` (alpaca-py's NewsClient, the JS SDK 4.x's `marketData.news`): the exchange has no
news source, so every query that Alpaca would accept answers an empty page, `{"news": [],
"next_page_token": null}`; one Alpaca would refuse answers 400 as Alpaca's data API does."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify, request

from app.exchange.errors import bad_request
from app.exchange.page_tokens import decode_token
from app.exchange.timefmt import parse_time

bp = Blueprint("news", __name__)

MAX_LIMIT = 50  # Alpaca: "Limit of news items to be returned for given page", default 10, at most 50
BOOLEANS = ("true", "false")


@bp.get("/v1beta1/news")
def news() -> Response:
    args = request.args
    try:
        start = parse_time(args["start"]) if args.get("start") else None
        end = parse_time(args["end"]) if args.get("end") else None
        limit = int(args.get("limit") or 10)
    except ValueError as exc:
        raise bad_request("invalid start, end or limit") from exc
    if start is not None and end is not None and end < start:
        raise bad_request("end should not be before start")
    if not 1 <= limit <= MAX_LIMIT:
        raise bad_request(f"limit must be within [1, {MAX_LIMIT}]")
    if args.get("sort", "desc").lower() not in ("asc", "desc"):
        raise bad_request("sort must be asc or desc")
    for flag in ("include_content", "exclude_contentless"):
        if args.get(flag, "false").lower() not in BOOLEANS:
            raise bad_request(f"{flag} must be true or false")
    if args.get("page_token"):
        decode_token(args["page_token"])  # malformed: 400; a well-formed one resumes an empty list
    # next_page_token null, as Alpaca writes a last page (data.yaml's GetNewsResponse omits `nullable`).
    return jsonify({"news": [], "next_page_token": None})
