"""Bar sources for backtests run outside the database: CSV files and the seeded synthetic generator."""

from app.greta.data.csvfile import load_csv
from app.greta.data.synthetic import parse_synthetic, synthetic_bars
from app.marvin.bars import BarFrame, DataError
from app.marvin.market import Market

__all__ = ["BarFrame", "DataError", "Market", "load_csv", "parse_synthetic", "synthetic_bars"]
