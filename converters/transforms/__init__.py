"""Pure transforms of legacy values: each is a function of one value, tested on its own.

Volume is handled by the engine, not here: it applies a transform to the *distinct* values of a column
(dates, codes, 外字 values) or runs the SQL twin of it (width and kana, see :mod:`converters.transforms.width`).
"""
