"""A hint beside a strategy's error where it is the mark of code written for backtesting.py, whose names
Marvin shares with other meanings (trial 39: `if crossover(self.fast, self.slow):` in next() failed with
numpy's "truth value of an array … is ambiguous", which says nothing of what to write instead). The same
words follow a backtest's error and a paper run's."""

from __future__ import annotations

_HINTS = (
    (ValueError, "truth value of an array",
     "a whole array was read as one yes/no: Marvin's crossover(a, b) is the signal line, made once in init() "
     "(self.I(crossover, fast, slow)); in next(), ask crossed_above(a, b) or crossed_below(a, b), or compare "
     "a[-1] with b[-1]"),
    (AttributeError, "'Position' object has no attribute 'close'",
     "self.position is the signed quantity held; close it with self.close()"),
)


def porting_hint(exc: BaseException) -> str:
    """" (hint: …)" for an error a backtesting.py habit makes, else ""."""
    text = str(exc)
    for kind, words, hint in _HINTS:
        if isinstance(exc, kind) and words in text:
            return f" (hint: {hint})"
    return ""
