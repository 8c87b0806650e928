"""Pure transforms of legacy values: each is a function of one value, tested on its own. The options a mapping
gives a transform are typed in :mod:`converters.transforms.options`.

Volume is handled by the engine, not here: it applies a transform to the *distinct* values of a column that
need it (dates, codes, 外字, width and kana), or runs it as SQL over every row (padding, replace, split …).
"""
